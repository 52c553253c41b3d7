using System.CommandLine;

namespace NanoBackprop.Cli;

/// <summary>
/// How the experiments store weights (`--weight-bits`): 32-bit Q16.16, or 16-bit
/// (<see cref="NetworkOptions.NarrowWeights"/>) with stochastic rounding or rounding to nearest.
/// </summary>
/// <param name="Name">The option's value: 32, 16 or 16-nearest.</param>
/// <param name="Options">The network option it adds.</param>
/// <param name="Stochastic">Whether it turns stochastic rounding on (16 only; 32 keeps the command's own rounding).</param>
public sealed record WeightFormat(string Name, NetworkOptions Options, bool Stochastic)
{
    /// <summary>32-bit Q16.16 weights, the default.</summary>
    public static readonly WeightFormat Wide = new("32", NetworkOptions.None, false);

    /// <summary>The `--weight-bits` option.</summary>
    public static Option<string> CreateOption() => new("--weight-bits")
    {
        Description = "Weight storage: 32 (Q16.16), 16 (16-bit block floating point, stochastic rounding) or 16-nearest (16-bit, rounding to nearest)",
        DefaultValueFactory = _ => "32",
    };

    /// <summary>Parses the option's value.</summary>
    /// <exception cref="CliError">The value is not 32, 16 or 16-nearest.</exception>
    public static WeightFormat Parse(string? value) => value switch
    {
        null or "32" => Wide,
        "16" => new("16", NetworkOptions.NarrowWeights, true),
        "16-nearest" => new("16-nearest", NetworkOptions.NarrowWeights, false),
        _ => throw new CliError("--weight-bits must be 32, 16 or 16-nearest; it is " + value),
    };

    /// <summary>Turns stochastic rounding on where the format asks for it; returns the network.</summary>
    public Network Apply(Network network)
    {
        if (Stochastic)
        {
            network.StochasticRounding = true;
        }

        return network;
    }
}
