using System.Globalization;

namespace Fovea.Tuning;

/// <summary>
/// A parameter as the Parzen estimator sees it (Optuna's internal representation): a numeric range [Low, High] with
/// an optional grid step Q (bounds widened by Q/2, as Optuna does), or a categorical index.
/// </summary>
internal sealed class TpeDimension
{
    private readonly Func<object, double> _toInternal;
    private readonly Func<double, object> _fromInternal;

    private TpeDimension(double low, double high, double? q, int choices, Func<object, double> to, Func<double, object> from)
    {
        Low = low;
        High = high;
        Q = q;
        Choices = choices;
        _toInternal = to;
        _fromInternal = from;
    }

    public double Low { get; }

    public double High { get; }

    public double? Q { get; }

    /// <summary>Number of categories, 0 for numeric dimensions.</summary>
    public int Choices { get; }

    public bool IsCategorical => Choices > 0;

    public double ToInternal(object value) => _toInternal(value);

    public object FromInternal(double x) => _fromInternal(x);

    public static TpeDimension For(HyperParameter p)
    {
        static double D(object v) => Convert.ToDouble(v, CultureInfo.InvariantCulture);
        switch (p)
        {
            case ChoiceHyperParameter c:
                return new(0, 0, null, c.Values.Count, v => c.IndexOf(v), x => c.Values[(int)x]);
            case BooleanHyperParameter:
                return new(0, 0, null, 2, v => (bool)v ? 1 : 0, x => x >= 0.5);
            case IntHyperParameter i when i.Sampling == Sampling.Linear:
                return new(i.MinValue - 0.5 * i.Step, i.MaxValue + 0.5 * i.Step, i.Step, 0, D,
                    x => i.MinValue + Math.Clamp((int)Math.Round((x - i.MinValue) / i.Step), 0, i.Count - 1) * i.Step);
            case IntHyperParameter i when i.Sampling == Sampling.Log:
                return new(Math.Log(i.MinValue - 0.5), Math.Log(i.MaxValue + 0.5), null, 0, v => Math.Log(D(v)),
                    x => i.FromUnit(i.ToUnit((int)Math.Round(Math.Exp(x)))));
            case FloatHyperParameter f when f.Step is null && f.Sampling == Sampling.Linear:
                return new(f.MinValue, f.MaxValue, null, 0, D, x => Math.Clamp(x, f.MinValue, f.MaxValue));
            case FloatHyperParameter f when f.Step is null && f.Sampling == Sampling.Log:
                return new(Math.Log(f.MinValue), Math.Log(f.MaxValue), null, 0, v => Math.Log(D(v)),
                    x => Math.Clamp(Math.Exp(x), f.MinValue, f.MaxValue));
            case FloatHyperParameter f when f.Step is double s && f.Sampling == Sampling.Linear:
                return new(f.MinValue - 0.5 * s, f.MaxValue + 0.5 * s, s, 0, D,
                    x => f.GridValue(Math.Clamp((int)Math.Round((x - f.MinValue) / s), 0, f.Count - 1)));
            default:
                // Reverse-log, multiplicative steps and anything else: the parameter's own unit scale.
                return new(0, 1, null, 0, p.ToUnit, x => p.FromUnit(x));
        }
    }
}
