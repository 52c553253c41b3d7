using System.Diagnostics;
using System.Reflection;

namespace NanoBackprop.Cli;

/// <summary>How the running code was built: a speed measured in a Debug build is not the Release figure the docs quote.</summary>
public static class BuildInfo
{
    /// <summary>"Release" when both the library and the tool are JIT-optimised, else "Debug".</summary>
    public static string Configuration => Optimized(typeof(Network).Assembly) && Optimized(typeof(BuildInfo).Assembly) ? "Release" : "Debug";

    private static bool Optimized(Assembly assembly) => assembly.GetCustomAttribute<DebuggableAttribute>() is not { IsJITOptimizerDisabled: true };
}
