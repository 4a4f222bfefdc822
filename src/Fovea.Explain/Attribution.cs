using Fovea.Tensors;

namespace Fovea.Explain;

/// <summary>
/// What an attribution method returns: one attribution per input element (<see cref="Values"/> shaped like the
/// input [N, C, H, W]) or, for layer methods (Grad-CAM and its kin), one map per sample at the layer's resolution
/// [N, 1, h, w]. Methods with a completeness property (integrated gradients, GradientSHAP, KernelSHAP) report how far
/// the attributions of each sample are from summing to F(x) − F(baseline) in <see cref="ConvergenceDelta"/> (Captum's
/// <c>return_convergence_delta</c>).
/// </summary>
public sealed class Attribution
{
    /// <summary>Creates a result.</summary>
    public Attribution(Tensor values, float[]? convergenceDelta = null)
    {
        Values = values ?? throw new ArgumentNullException(nameof(values));
        ConvergenceDelta = convergenceDelta;
    }

    /// <summary>The attributions: [N, C, H, W] like the input, or [N, 1, h, w] for layer maps.</summary>
    public Tensor Values { get; }

    /// <summary>Per sample: Σ attributions − (F(x) − F(baseline)); null for methods without that property.</summary>
    public float[]? ConvergenceDelta { get; }
}
