namespace Fovea.Tuning;

/// <summary>
/// What a search optimises: a name from Fit's logs ("val_accuracy") and a direction (KerasTuner's
/// <c>Objective</c>). <see cref="Parse"/> infers the direction as KerasTuner does: names with "acc" or "auc" are
/// maximised, the rest minimised.
/// </summary>
public sealed record Objective(string Name, Direction Direction)
{
    /// <summary>The objective <paramref name="name"/> with its inferred direction.</summary>
    public static Objective Parse(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        string n = name.ToLowerInvariant();
        return new Objective(name, n.Contains("acc", StringComparison.Ordinal) || n.Contains("auc", StringComparison.Ordinal)
            ? Direction.Maximize : Direction.Minimize);
    }

    /// <summary>The objective as a loss: itself when minimised, its negative when maximised.</summary>
    public double ToLoss(double score) => Direction == Direction.Maximize ? -score : score;

    /// <summary>Whether <paramref name="a"/> is strictly better than <paramref name="b"/>.</summary>
    public bool IsBetter(double a, double b) => ToLoss(a) < ToLoss(b);

    /// <summary>A string objective converts with <see cref="Parse"/>.</summary>
    public static implicit operator Objective(string name) => Parse(name);
}
