namespace Fovea.Explain;

/// <summary>
/// How a class activation map is formed from a layer's output A [C, h, w] and the gradient G = ∂logit/∂A of the
/// target logit (each map then goes through ReLU unless <see cref="GradCam.Relu"/> is off).
/// </summary>
public enum CamMethod
{
    /// <summary>Grad-CAM (Selvaraju et al. 2017): Σ_c w_c A_c with w_c = mean_ij G_cij.</summary>
    GradCam,

    /// <summary>Grad-CAM++ (Chattopadhay et al. 2018): Σ_c w_c A_c with w_c = Σ_ij α_cij ReLU(G_cij) and
    /// α_cij = G²_cij / (2 G²_cij + Σ_ab A_cab G³_cij) (0 where the denominator is 0), the closed form of the
    /// paper's exponential-score derivation.</summary>
    GradCamPlusPlus,

    /// <summary>HiResCAM (Draelos and Carin 2020): Σ_c G_c ⊙ A_c, the element-wise product summed over channels.
    /// </summary>
    HiResCam,

    /// <summary>LayerCAM (Jiang et al. 2021): Σ_c ReLU(G_c) ⊙ A_c.</summary>
    LayerCam,
}
