using System.Text.Json.Nodes;

namespace Fovea.Tuning;

/// <summary>
/// An integer in [<see cref="MinValue"/>, <see cref="MaxValue"/>] on a grid of <see cref="Step"/> (KerasTuner's
/// <c>hp.Int</c>). Linear sampling is uniform over the grid's values; log sampling is uniform in log(value), then
/// snapped to the grid.
/// </summary>
public sealed class IntHyperParameter : HyperParameter
{
    private readonly int _default;

    internal IntHyperParameter(string name, int minValue, int maxValue, int step, Sampling sampling, int? defaultValue,
        IReadOnlyList<Condition> conditions)
        : base(name, conditions)
    {
        if (maxValue < minValue)
            throw new ArgumentException($"Int('{name}'): expected minValue <= maxValue, received [{minValue}, {maxValue}]");
        if (step <= 0)
            throw new ArgumentException($"Int('{name}'): expected a positive step, received {step}");
        if (sampling != Sampling.Linear && minValue <= 0)
            throw new ArgumentException($"Int('{name}'): {sampling} sampling needs minValue > 0, received {minValue}");
        MinValue = minValue;
        MaxValue = maxValue;
        Step = step;
        Sampling = sampling;
        _default = defaultValue ?? minValue;
        if (_default < minValue || _default > maxValue)
            throw new ArgumentException($"Int('{name}'): default {_default} is outside [{minValue}, {maxValue}]");
    }

    /// <summary>Smallest value.</summary>
    public int MinValue { get; }

    /// <summary>Largest value (reached when max - min is a multiple of the step).</summary>
    public int MaxValue { get; }

    /// <summary>Distance between neighbouring values.</summary>
    public int Step { get; }

    /// <summary>How values are spread.</summary>
    public Sampling Sampling { get; }

    /// <summary>Number of values on the grid.</summary>
    public int Count => (MaxValue - MinValue) / Step + 1;

    /// <inheritdoc/>
    public override object Default => _default;

    /// <inheritdoc/>
    public override object FromUnit(double u)
    {
        u = Clamp01(u);
        if (Sampling == Sampling.Linear)
            return MinValue + Math.Min((int)(u * Count), Count - 1) * Step;
        double v = Continuous(u);
        return Snap(v);
    }

    /// <inheritdoc/>
    public override double ToUnit(object value)
    {
        int v = Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture);
        if (Sampling == Sampling.Linear)
            return ((v - MinValue) / Step + 0.5) / Count;
        if (MaxValue == MinValue)
            return 0.5;
        double lo = Math.Log(MinValue), hi = Math.Log(MaxValue);
        return Sampling == Sampling.Log
            ? Clamp01((Math.Log(v) - lo) / (hi - lo))
            : Clamp01(1 - (Math.Log(MaxValue + MinValue - v) - lo) / (hi - lo));
    }

    /// <inheritdoc/>
    public override IReadOnlyList<object> GridValues() =>
        Enumerable.Range(0, Count).Select(i => (object)(MinValue + i * Step)).ToArray();

    /// <inheritdoc/>
    public override object Parse(JsonNode? node) => Snap(node!.GetValue<double>());

    /// <inheritdoc/>
    protected override string Describe() => $"Int {Name} [{MinValue}, {MaxValue}] step {Step} {Sampling}";

    private double Continuous(double u)
    {
        double ratio = (double)MaxValue / MinValue;
        return Sampling == Sampling.Log
            ? MinValue * Math.Pow(ratio, u)
            : MaxValue + MinValue - MinValue * Math.Pow(ratio, 1 - u);
    }

    private int Snap(double v)
    {
        int k = (int)Math.Round((v - MinValue) / Step, MidpointRounding.AwayFromZero);
        return MinValue + Math.Clamp(k, 0, Count - 1) * Step;
    }
}
