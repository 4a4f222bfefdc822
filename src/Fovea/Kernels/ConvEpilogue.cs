namespace Fovea.Kernels;

/// <summary>The activation a fused epilogue applies.</summary>
internal enum EpilogueActivation
{
    None,
    Relu,
    LeakyRelu,
    Silu,
    Sigmoid,
    Tanh,
}

/// <summary>
/// What a convolution's forward pass applies to each block of its output right after computing it, while the block
/// is still in cache: y = act(y), elementwise (bias is added before). Inference fusion of Conv → BatchNorm →
/// activation folds the normalisation into the weights and bias and runs the activation here, which saves two passes
/// over the output. Must match <see cref="ActivationKernels"/> applied to the whole output afterwards.
/// </summary>
internal readonly record struct ConvEpilogue(EpilogueActivation Activation, float Alpha = 0f)
{
    public bool IsNone => Activation == EpilogueActivation.None;

    /// <summary>y = act(y), in place.</summary>
    public unsafe void Apply(float* y, int length)
    {
        if (IsNone || length <= 0)
            return;
        var span = new Span<float>(y, length);
        switch (Activation)
        {
            case EpilogueActivation.Relu:
                ActivationKernels.Relu(span, span);
                break;
            case EpilogueActivation.LeakyRelu:
                ActivationKernels.LeakyRelu(span, Alpha, span);
                break;
            case EpilogueActivation.Silu:
                ActivationKernels.Silu(span, span);
                break;
            case EpilogueActivation.Sigmoid:
                ActivationKernels.Sigmoid(span, span);
                break;
            case EpilogueActivation.Tanh:
                ActivationKernels.Tanh(span, span);
                break;
        }
    }
}
