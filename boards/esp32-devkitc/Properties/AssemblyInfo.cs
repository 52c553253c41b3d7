using System.Reflection;

[assembly: AssemblyTitle("NanoBackprop.Esp32DevKitC")]
[assembly: AssemblyDescription("nanoBackprop board app: ESP32-DevKitC (ESP32-WROOM-32) occupancy learner.")]
[assembly: AssemblyProduct("nanoBackprop")]
[assembly: AssemblyVersion("0.1.0.0")]
[assembly: AssemblyFileVersion("0.1.0.0")]
