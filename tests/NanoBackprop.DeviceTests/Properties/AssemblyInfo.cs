using System.Reflection;

[assembly: AssemblyTitle("NFUnitTest")]
[assembly: AssemblyDescription("nanoBackprop device tests: the bits the desktop predicts, checked on the board.")]
[assembly: AssemblyProduct("nanoBackprop")]
[assembly: AssemblyVersion("0.1.0.0")]
[assembly: AssemblyFileVersion("0.1.0.0")]
