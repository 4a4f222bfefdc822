using System.Text.Json.Nodes;

namespace Fovea.Tuning;

/// <summary>A value that is recorded with the trial but never searched (KerasTuner's <c>hp.Fixed</c>).</summary>
public sealed class FixedHyperParameter : HyperParameter
{
    private readonly object _value;

    internal FixedHyperParameter(string name, object value, IReadOnlyList<Condition> conditions)
        : base(name, conditions) => _value = value;

    /// <inheritdoc/>
    public override object Default => _value;

    /// <inheritdoc/>
    public override bool IsTunable => false;

    /// <inheritdoc/>
    public override object FromUnit(double u) => _value;

    /// <inheritdoc/>
    public override double ToUnit(object value) => 0.5;

    /// <inheritdoc/>
    public override IReadOnlyList<object> GridValues() => [_value];

    /// <inheritdoc/>
    public override object Parse(JsonNode? node) => FromJson(node);

    /// <inheritdoc/>
    protected override string Describe() => $"Fixed {Name} = {Format(_value)}";
}
