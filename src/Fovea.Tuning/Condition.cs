namespace Fovea.Tuning;

/// <summary>
/// A hyperparameter exists only when <see cref="Parent"/> has one of <see cref="Values"/> (KerasTuner's
/// <c>conditions.Parent</c>). Made by <see cref="HyperParameters.ConditionalScope"/>.
/// </summary>
public sealed class Condition
{
    /// <summary>A condition on <paramref name="parent"/> taking one of <paramref name="values"/>.</summary>
    public Condition(string parent, IReadOnlyList<object> values)
    {
        ArgumentException.ThrowIfNullOrEmpty(parent);
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0)
            throw new ArgumentException($"ConditionalScope('{parent}'): expected at least one parent value, received none", nameof(values));
        Parent = parent;
        Values = values;
    }

    /// <summary>Name of the parent hyperparameter.</summary>
    public string Parent { get; }

    /// <summary>The parent values for which the child exists.</summary>
    public IReadOnlyList<object> Values { get; }

    /// <summary>Whether <paramref name="parentValue"/> is one of <see cref="Values"/> (numbers compare by value).</summary>
    public bool IsMet(object? parentValue) =>
        parentValue is not null && Values.Any(v => HyperParameter.ValueEquals(v, parentValue));

    /// <inheritdoc/>
    public override string ToString() => $"{Parent} in [{string.Join(", ", Values.Select(HyperParameter.Format))}]";
}
