using System.Text.Json.Nodes;

namespace Fovea.Tuning;

/// <summary>One of a list of values (int, double, string or bool), each equally likely (KerasTuner's <c>hp.Choice</c>).</summary>
public sealed class ChoiceHyperParameter : HyperParameter
{
    private readonly object _default;

    internal ChoiceHyperParameter(string name, IReadOnlyList<object> values, object? defaultValue,
        IReadOnlyList<Condition> conditions)
        : base(name, conditions)
    {
        if (values.Count == 0)
            throw new ArgumentException($"Choice('{name}'): expected at least one value, received none");
        Values = values;
        _default = defaultValue ?? values[0];
        if (IndexOf(_default) < 0)
            throw new ArgumentException($"Choice('{name}'): default {Format(_default)} is not one of the values");
    }

    /// <summary>The values, in order.</summary>
    public IReadOnlyList<object> Values { get; }

    /// <inheritdoc/>
    public override object Default => _default;

    /// <summary>Position of <paramref name="value"/> in <see cref="Values"/>, or -1.</summary>
    public int IndexOf(object value)
    {
        for (int i = 0; i < Values.Count; i++)
            if (ValueEquals(Values[i], value))
                return i;
        return -1;
    }

    /// <inheritdoc/>
    public override object FromUnit(double u) => Values[Math.Min((int)(Clamp01(u) * Values.Count), Values.Count - 1)];

    /// <inheritdoc/>
    public override double ToUnit(object value) => (Math.Max(IndexOf(value), 0) + 0.5) / Values.Count;

    /// <inheritdoc/>
    public override IReadOnlyList<object> GridValues() => Values;

    /// <inheritdoc/>
    public override object Parse(JsonNode? node)
    {
        object raw = FromJson(node);
        int i = IndexOf(raw);
        return i >= 0 ? Values[i] : raw;
    }

    /// <inheritdoc/>
    protected override string Describe() => $"Choice {Name} [{string.Join(", ", Values.Select(Format))}]";
}
