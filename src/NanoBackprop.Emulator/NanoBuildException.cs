namespace NanoBackprop.Emulator;

/// <summary>A nanoFramework build step failed: the compiler's errors or the metadata processor's output.</summary>
public sealed class NanoBuildException : Exception
{
    /// <summary>Creates the exception with the tool's message.</summary>
    public NanoBuildException(string message) : base(message)
    {
    }
}
