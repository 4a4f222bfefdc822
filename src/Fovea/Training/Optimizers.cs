namespace Fovea.Training;

/// <summary>Optimizers by Keras name, for <c>model.Compile("adamw", ...)</c>.</summary>
public static class Optimizers
{
    /// <summary>
    /// A new optimizer of a Keras name with Keras's defaults: <c>adam</c> (lr 0.001), <c>adamw</c> (lr 0.001, weight
    /// decay 0.004), <c>sgd</c> (lr 0.01, no momentum); case-insensitive.
    /// </summary>
    /// <exception cref="FoveaException">The name is not one of these.</exception>
    public static Optimizer Get(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.Trim().ToLowerInvariant() switch
        {
            "adam" => new Adam(),
            "adamw" => new AdamW(),
            "sgd" => new Sgd(),
            _ => throw new FoveaException($"unknown optimizer '{name}'; known: adam, adamw, sgd"),
        };
    }
}
