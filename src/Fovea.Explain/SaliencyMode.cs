namespace Fovea.Explain;

/// <summary>What <see cref="Saliency"/> returns.</summary>
public enum SaliencyMode
{
    /// <summary>∂logit / ∂x (Simonyan et al. 2014, signed).</summary>
    Gradient,

    /// <summary>|∂logit / ∂x| (Captum's <c>Saliency</c> with <c>abs=True</c>).</summary>
    AbsoluteGradient,

    /// <summary>x ⊙ ∂logit / ∂x (Captum's <c>InputXGradient</c>).</summary>
    GradientTimesInput,
}
