using System.Text.Json;
using Spectre.Console;

namespace NanoBackprop.Cli;

/// <summary>Where a command writes: plain text and tables, or JSON for scripts.</summary>
public sealed class CliOutput
{
    /// <summary>Writes to the given writers; progress bars only when <paramref name="interactive"/>.</summary>
    public CliOutput(TextWriter output, TextWriter error, bool interactive)
    {
        Out = output;
        Error = error;
        Interactive = interactive;
        Console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = interactive ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = interactive ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = interactive ? InteractionSupport.Yes : InteractionSupport.No,
        });
    }

    /// <summary>Standard output.</summary>
    public TextWriter Out { get; }

    /// <summary>Standard error.</summary>
    public TextWriter Error { get; }

    /// <summary>Whether a person watches (progress bars, colours).</summary>
    public bool Interactive { get; }

    /// <summary>Spectre console over <see cref="Out"/>.</summary>
    public IAnsiConsole Console { get; }

    /// <summary>Writes an object as indented camelCase JSON.</summary>
    public void Json(object value) => Out.WriteLine(JsonSerializer.Serialize(value, value.GetType(), ModelFile.JsonOptions));
}
