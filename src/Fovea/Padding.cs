namespace Fovea;

/// <summary>How a convolution or pooling window treats the border (Keras vocabulary).</summary>
public enum Padding
{
    /// <summary>No padding: only windows that fit entirely inside the input.</summary>
    Valid,

    /// <summary>
    /// Zero padding so that output size = ceil(input size / stride); when the padding is odd the extra row/column
    /// goes at the bottom/right (TensorFlow and PyTorch agree).
    /// </summary>
    Same,
}
