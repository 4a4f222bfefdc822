using System.Globalization;
using System.Text.Json.Nodes;

namespace Fovea.Tuning;

/// <summary>
/// One dimension of a search space: its name, its distribution, its default and the conditions under which it
/// exists. Every value maps to a point u in [0, 1] (<see cref="ToUnit"/>/<see cref="FromUnit"/>, KerasTuner's
/// <c>value_to_prob</c>/<c>prob_to_value</c>), which is where random search draws and the Gaussian process works.
/// </summary>
public abstract class HyperParameter
{
    private protected HyperParameter(string name, IReadOnlyList<Condition> conditions)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
        Conditions = conditions;
    }

    /// <summary>The parameter's name, unique in a space.</summary>
    public string Name { get; }

    /// <summary>All must hold for the parameter to exist in a trial (empty: always exists).</summary>
    public IReadOnlyList<Condition> Conditions { get; }

    /// <summary>The value used when nothing else decides one (and when the parameter is inactive).</summary>
    public abstract object Default { get; }

    /// <summary>Whether the parameter takes part in searches (false for <see cref="FixedHyperParameter"/>).</summary>
    public virtual bool IsTunable => true;

    /// <summary>The value at u in [0, 1]; a uniform u gives the parameter's sampling distribution.</summary>
    public abstract object FromUnit(double u);

    /// <summary>The point in [0, 1] of <paramref name="value"/> (the centre of its bucket for discrete parameters).</summary>
    public abstract double ToUnit(object value);

    /// <summary>A random value from the parameter's distribution.</summary>
    public object Sample(Random rng) => FromUnit(rng.NextDouble());

    /// <summary>The values grid search walks, in order.</summary>
    public abstract IReadOnlyList<object> GridValues();

    /// <summary>Reads a value written by <see cref="ToJson"/> (journal replay) in this parameter's type.</summary>
    public abstract object Parse(JsonNode? node);

    /// <summary>The value as JSON (numbers, strings, booleans).</summary>
    public static JsonNode? ToJson(object value) => value switch
    {
        int i => JsonValue.Create(i),
        long l => JsonValue.Create(l),
        double d => JsonValue.Create(d),
        float f => JsonValue.Create((double)f),
        bool b => JsonValue.Create(b),
        string s => JsonValue.Create(s),
        _ => JsonValue.Create(Convert.ToString(value, CultureInfo.InvariantCulture)),
    };

    /// <summary>A value read back from JSON when no definition says its type: int, double, bool or string.</summary>
    public static object FromJson(JsonNode? node)
    {
        if (node is not JsonValue v)
            throw new FormatException($"expected a JSON number, string or boolean, received {node?.ToJsonString() ?? "null"}");
        if (v.TryGetValue(out bool b))
            return b;
        if (v.TryGetValue(out string? s))
            return s!;
        if (v.TryGetValue(out int i))
            return i;
        if (v.TryGetValue(out long l))
            return l;
        return v.GetValue<double>();
    }

    /// <summary>Equality of hyperparameter values: numbers by numeric value (3 == 3.0), others by Equals.</summary>
    public static bool ValueEquals(object? a, object? b)
    {
        if (a is null || b is null)
            return a is null && b is null;
        if (IsNumber(a) && IsNumber(b))
            return Convert.ToDouble(a, CultureInfo.InvariantCulture) == Convert.ToDouble(b, CultureInfo.InvariantCulture);
        return a.Equals(b);
    }

    /// <summary>A short invariant-culture rendering of a value.</summary>
    public static string Format(object? value) => value switch
    {
        null => "null",
        double d => d.ToString("G6", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    internal static bool IsNumber(object o) => o is int or long or double or float or short or byte or decimal;

    /// <inheritdoc/>
    public override string ToString() =>
        Conditions.Count == 0 ? Describe() : $"{Describe()} if {string.Join(" and ", Conditions)}";

    /// <summary>Type and range, e.g. <c>Int lr [1, 5] step 1 linear</c>.</summary>
    protected abstract string Describe();

    internal static double Clamp01(double u) => double.IsNaN(u) ? 0.5 : Math.Clamp(u, 0.0, 1.0);
}
