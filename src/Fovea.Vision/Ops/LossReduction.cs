namespace Fovea.Vision.Ops;

/// <summary>How a per-element detection loss is reduced (torchvision's <c>reduction</c> argument).</summary>
public enum LossReduction
{
    /// <summary>No reduction: one loss per element.</summary>
    None,

    /// <summary>The mean of the elements (0 for no elements, as torchvision's box losses return).</summary>
    Mean,

    /// <summary>The sum of the elements.</summary>
    Sum,
}
