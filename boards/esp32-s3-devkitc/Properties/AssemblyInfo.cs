using System.Reflection;

[assembly: AssemblyTitle("NanoBackprop.Esp32S3DevKitC")]
[assembly: AssemblyDescription("nanoBackprop board app: ESP32-S3-DevKitC-1 occupancy learner.")]
[assembly: AssemblyProduct("nanoBackprop")]
[assembly: AssemblyVersion("0.1.0.0")]
[assembly: AssemblyFileVersion("0.1.0.0")]
