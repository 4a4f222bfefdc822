namespace Fovea.Explain;

/// <summary>
/// How <see cref="IntegratedGradients"/> approximates ∫₀¹ ∂F(x' + α(x − x'))/∂x dα with m gradient evaluations
/// (Captum's <c>method</c> names in parentheses).
/// </summary>
public enum IntegrationRule
{
    /// <summary>α = k/m, k = 0 … m−1, weights 1/m (<c>riemann_left</c>).</summary>
    RiemannLeft,

    /// <summary>α = k/m, k = 1 … m, weights 1/m (<c>riemann_right</c>).</summary>
    RiemannRight,

    /// <summary>α = (k + ½)/m, weights 1/m (<c>riemann_middle</c>).</summary>
    RiemannMiddle,

    /// <summary>α = k/(m−1), k = 0 … m−1, weights 1/(m−1) halved at both ends (<c>riemann_trapezoid</c>).</summary>
    RiemannTrapezoid,

    /// <summary>Gauss–Legendre nodes and weights on [0, 1] (<c>gausslegendre</c>, Captum's default): exact for
    /// polynomials of degree 2m − 1 in α.</summary>
    GaussLegendre,
}
