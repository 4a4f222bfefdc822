using System.Text.Json.Nodes;

namespace Fovea.Tuning;

/// <summary>True or false, each equally likely (KerasTuner's <c>hp.Boolean</c>).</summary>
public sealed class BooleanHyperParameter : HyperParameter
{
    private readonly bool _default;

    internal BooleanHyperParameter(string name, bool defaultValue, IReadOnlyList<Condition> conditions)
        : base(name, conditions) => _default = defaultValue;

    /// <inheritdoc/>
    public override object Default => _default;

    /// <inheritdoc/>
    public override object FromUnit(double u) => Clamp01(u) >= 0.5;

    /// <inheritdoc/>
    public override double ToUnit(object value) => (bool)value ? 0.75 : 0.25;

    /// <inheritdoc/>
    public override IReadOnlyList<object> GridValues() => [false, true];

    /// <inheritdoc/>
    public override object Parse(JsonNode? node) => node!.GetValue<bool>();

    /// <inheritdoc/>
    protected override string Describe() => $"Boolean {Name}";
}
