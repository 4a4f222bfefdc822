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
/// is still in cache: y = act(y·scale[oc] + shift[oc]) per output channel oc (the affine part only when
/// <see cref="Scale"/> is set; the kernel's bias is added before). Inference fusion of Conv → BatchNorm → activation
/// puts the normalisation in scale and shift, which saves two passes over the output and leaves the weights as they
/// are. Must match the affine map and <see cref="ActivationKernels"/> applied to the whole output afterwards.
/// </summary>
internal readonly unsafe struct ConvEpilogue(EpilogueActivation activation, float alpha = 0f, float* scale = null,
    float* shift = null)
{
    public EpilogueActivation Activation { get; } = activation;

    public float Alpha { get; } = alpha;

    /// <summary>Per output channel, or null: no affine part.</summary>
    public float* Scale { get; } = scale;

    /// <summary>Per output channel (with <see cref="Scale"/>).</summary>
    public float* Shift { get; } = shift;

    public bool IsNone => Activation == EpilogueActivation.None && Scale == null;

    /// <summary>y = act(y·scale[channel] + shift[channel]), in place, for <paramref name="length"/> values of one
    /// output channel.</summary>
    public void Apply(float* y, int length, int channel)
    {
        if (IsNone || length <= 0)
            return;
        var span = new Span<float>(y, length);
        if (Scale != null)
            Elementwise.ScaleShift(span, Scale[channel], Shift[channel], span);
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
