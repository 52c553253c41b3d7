namespace NanoBackprop.Cli;

/// <summary>A user-facing failure: printed as one line, no stack trace, non-zero exit.</summary>
public sealed class CliError : Exception
{
    /// <summary>Creates the error with the line to print.</summary>
    public CliError(string message)
        : base(message)
    {
    }
}
