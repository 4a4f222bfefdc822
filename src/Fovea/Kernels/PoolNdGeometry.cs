namespace Fovea.Kernels;

/// <summary>
/// Shapes of a pooling window over [planes = N·C, D, H, W] (1-D and 2-D pooling use unit leading axes): window K,
/// strides S, dilations Di, padding before (B) and after (E) per axis. Output size per axis:
/// floor((X + B + E − Di·(K − 1) − 1) / S) + 1, or with <c>ceilMode</c> the ceiling, dropping a last window that
/// would start inside the end padding (PyTorch's and ONNX Runtime's rule). Padded cells never win a max; averages
/// count only the input cells, or with <c>countIncludePad</c> also the B/E padding (never the ceil-mode overhang).
/// </summary>
internal readonly record struct PoolNdGeometry
{
    public PoolNdGeometry(int planes, int[] input, int[] kernel, int[] strides, int[] dilations, int[] padBefore,
        int[] padAfter, bool ceilMode, bool countIncludePad)
    {
        if (kernel.Any(k => k <= 0) || strides.Any(s => s <= 0) || dilations.Any(d => d <= 0))
            throw new ArgumentException($"pooling window {string.Join("×", kernel)}, strides and dilations must be " +
                $"positive");
        if (padBefore.Any(p => p < 0) || padAfter.Any(p => p < 0))
            throw new ArgumentException("pooling paddings must be >= 0");
        Planes = planes;
        Input = input;
        Kernel = kernel;
        Strides = strides;
        Dilations = dilations;
        PadBefore = padBefore;
        PadAfter = padAfter;
        CountIncludePad = countIncludePad;
        Output = new int[3];
        for (int a = 0; a < 3; a++)
        {
            int span = input[a] + padBefore[a] + padAfter[a] - dilations[a] * (kernel[a] - 1) - 1;
            if (span < 0)
                throw new ArgumentException(
                    $"a {string.Join("×", kernel)} pooling window does not fit the padded {string.Join("×", input)} " +
                        $"input");
            int o = ceilMode ? (span + strides[a] - 1) / strides[a] + 1 : span / strides[a] + 1;
            if (ceilMode && (o - 1) * strides[a] >= input[a] + padBefore[a])
                o--;
            Output[a] = o;
        }
    }

    public int Planes { get; }
    public int[] Input { get; }
    public int[] Kernel { get; }
    public int[] Strides { get; }
    public int[] Dilations { get; }
    public int[] PadBefore { get; }
    public int[] PadAfter { get; }
    public bool CountIncludePad { get; }

    /// <summary>Output sizes [OD, OH, OW].</summary>
    public int[] Output { get; }

    public int InputPlane => Input[0] * Input[1] * Input[2];
    public int OutputPlane => Output[0] * Output[1] * Output[2];
}
