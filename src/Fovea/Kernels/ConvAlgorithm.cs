namespace Fovea.Kernels;

/// <summary>How <see cref="Conv2DKernels"/> computes a convolution pass.</summary>
internal enum ConvAlgorithm
{
    /// <summary>im2col (col2im) and one GEMM per image and group: every shape.</summary>
    Im2Col,

    /// <summary><see cref="Winograd"/> F(4×4, 3×3): 3×3 stride-1 convolutions with enough tiles.</summary>
    Winograd,

    /// <summary><see cref="DirectConv"/>: few input channels (first layers), forward and weight gradient.</summary>
    Direct,

    /// <summary><see cref="DepthwiseConv"/>: one kernel per channel (groups = C = OC), strides 1 and 2.</summary>
    Depthwise,
}
