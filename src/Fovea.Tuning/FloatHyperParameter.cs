using System.Globalization;
using System.Text.Json.Nodes;

namespace Fovea.Tuning;

/// <summary>
/// A real number in [<see cref="MinValue"/>, <see cref="MaxValue"/>] (KerasTuner's <c>hp.Float</c>). Without a
/// step it is continuous. With a step the values form a grid, each equally likely: min + k·step for linear sampling,
/// min·step^k for log sampling (KerasTuner: the step multiplies), the mirror of the latter for reverse-log.
/// </summary>
public sealed class FloatHyperParameter : HyperParameter
{
    private const int ContinuousGridPoints = 10;
    private readonly double _default;

    internal FloatHyperParameter(string name, double minValue, double maxValue, double? step, Sampling sampling,
        double? defaultValue, IReadOnlyList<Condition> conditions)
        : base(name, conditions)
    {
        if (!(maxValue >= minValue) || !double.IsFinite(minValue) || !double.IsFinite(maxValue))
            throw new ArgumentException($"Float('{name}'): expected finite minValue <= maxValue, received [{minValue}, {maxValue}]");
        if (step is { } s && (!(s > 0) || (sampling != Sampling.Linear && s <= 1)))
            throw new ArgumentException(
                $"Float('{name}'): expected a step > 0 (> 1 with {sampling} sampling, where it multiplies), received {s}");
        if (sampling != Sampling.Linear && minValue <= 0)
            throw new ArgumentException($"Float('{name}'): {sampling} sampling needs minValue > 0, received {minValue}");
        MinValue = minValue;
        MaxValue = maxValue;
        Step = step;
        Sampling = sampling;
        _default = defaultValue ?? minValue;
        if (_default < minValue || _default > maxValue)
            throw new ArgumentException($"Float('{name}'): default {_default} is outside [{minValue}, {maxValue}]");
    }

    /// <summary>Smallest value.</summary>
    public double MinValue { get; }

    /// <summary>Largest value.</summary>
    public double MaxValue { get; }

    /// <summary>Grid step (additive for linear sampling, a factor otherwise), or null for a continuous range.</summary>
    public double? Step { get; }

    /// <summary>How values are spread.</summary>
    public Sampling Sampling { get; }

    /// <summary>Number of grid values (stepped parameters only).</summary>
    public int Count => Step is not { } s ? 0
        : Sampling == Sampling.Linear ? (int)Math.Floor((MaxValue - MinValue) / s + 1e-9) + 1
        : (int)Math.Floor(Math.Log(MaxValue / MinValue) / Math.Log(s) + 1e-9) + 1;

    /// <inheritdoc/>
    public override object Default => _default;

    /// <inheritdoc/>
    public override object FromUnit(double u)
    {
        u = Clamp01(u);
        if (Step is not null)
            return GridValue(Math.Min((int)(u * Count), Count - 1));
        if (MaxValue == MinValue)
            return MinValue;
        double ratio = MaxValue / MinValue;
        return Sampling switch
        {
            Sampling.Linear => MinValue + u * (MaxValue - MinValue),
            Sampling.Log => Math.Clamp(MinValue * Math.Pow(ratio, u), MinValue, MaxValue),
            _ => Math.Clamp(MaxValue + MinValue - MinValue * Math.Pow(ratio, 1 - u), MinValue, MaxValue),
        };
    }

    /// <inheritdoc/>
    public override double ToUnit(object value)
    {
        double v = Convert.ToDouble(value, CultureInfo.InvariantCulture);
        if (Step is not null)
            return (GridIndex(v) + 0.5) / Count;
        if (MaxValue == MinValue)
            return 0.5;
        double lo = Math.Log(MinValue), hi = Math.Log(MaxValue);
        return Sampling switch
        {
            Sampling.Linear => Clamp01((v - MinValue) / (MaxValue - MinValue)),
            Sampling.Log => Clamp01((Math.Log(v) - lo) / (hi - lo)),
            _ => Clamp01(1 - (Math.Log(MaxValue + MinValue - v) - lo) / (hi - lo)),
        };
    }

    /// <summary>The k-th grid value of a stepped parameter.</summary>
    public double GridValue(int k)
    {
        if (Step is not { } s)
            throw new InvalidOperationException($"Float('{Name}') has no step, so no grid");
        double v = Sampling switch
        {
            Sampling.Linear => MinValue + k * s,
            Sampling.Log => MinValue * Math.Pow(s, k),
            _ => MaxValue + MinValue - MinValue * Math.Pow(s, Count - 1 - k),
        };
        return Math.Clamp(Math.Round(v, 12), MinValue, MaxValue);
    }

    /// <summary>Index of the grid value nearest <paramref name="v"/>.</summary>
    private int GridIndex(double v)
    {
        int best = 0;
        for (int k = 1; k < Count; k++)
            if (Math.Abs(GridValue(k) - v) < Math.Abs(GridValue(best) - v))
                best = k;
        return best;
    }

    /// <summary>The grid values; a continuous range gives 10 points evenly spread in u (ends included).</summary>
    public override IReadOnlyList<object> GridValues() => Step is not null
        ? Enumerable.Range(0, Count).Select(k => (object)GridValue(k)).ToArray()
        : Enumerable.Range(0, ContinuousGridPoints).Select(i => FromUnit(i / (ContinuousGridPoints - 1.0))).Distinct().ToArray();

    /// <inheritdoc/>
    public override object Parse(JsonNode? node) => node!.GetValue<double>();

    /// <inheritdoc/>
    protected override string Describe() =>
        $"Float {Name} [{Format(MinValue)}, {Format(MaxValue)}]" + (Step is { } s ? $" step {Format(s)}" : "") + $" {Sampling}";
}
