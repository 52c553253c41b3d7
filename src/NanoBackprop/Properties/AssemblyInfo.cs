using System.Reflection;
using System.Runtime.CompilerServices;

[assembly: AssemblyTitle("NanoBackprop")]
[assembly: AssemblyDescription("Fixed-point neural networks that learn on the microcontroller (Q16.16, integer only).")]
[assembly: AssemblyProduct("nanoBackprop")]
[assembly: AssemblyVersion("0.1.0.0")]
[assembly: AssemblyFileVersion("0.1.0.0")]
[assembly: InternalsVisibleTo("NanoBackprop.Tests")]
