namespace Fovea.Kernels;

/// <summary>
/// Shapes of a 3-D convolution (also 1-D and 2-D ones written with unit axes), validated once. Legend: N batch,
/// C input channels, D×H×W input, OC output channels, KD×KH×KW kernel, G groups (Cg = C/G, OCg = OC/G), strides S,
/// dilations Di, padding before (B) and after (E) each axis.
/// OD = floor((D + BD + ED − DiD·(KD − 1) − 1) / SD) + 1, and likewise OH and OW.
/// Weights are [OC, Cg, KD, KH, KW]; vol2col columns of one image and group are [K = Cg·KD·KH·KW, P = OD·OH·OW].
/// </summary>
internal readonly record struct Conv3DGeometry
{
    public Conv3DGeometry(int n, int c, int[] input, int oc, int[] kernel, int[] strides, int[] padBefore,
        int[] padAfter,
        int[] dilations, int groups)
    {
        if (input.Length != 3 || kernel.Length != 3 || strides.Length != 3 || padBefore.Length != 3 ||
            padAfter.Length != 3 || dilations.Length != 3)
            throw new ArgumentException("a 3-D convolution geometry needs three sizes of each kind");
        if (n < 0 || c <= 0 || oc <= 0 || input.Any(s => s <= 0) || kernel.Any(k => k <= 0))
            throw new ArgumentException(
                $"convolution sizes must be positive: input [{n}, {c}, {string.Join(", ", input)}], {oc} filters of " +
                string.Join("×", kernel));
        if (strides.Any(s => s <= 0) || dilations.Any(d => d <= 0) || padBefore.Any(p => p < 0) || padAfter.Any(p
            => p < 0))
            throw new ArgumentException("strides and dilations must be positive and paddings >= 0");
        if (groups <= 0 || c % groups != 0 || oc % groups != 0)
            throw new ArgumentException($"groups={groups} must divide both input channels ({c}) and filters ({oc})");
        N = n;
        C = c;
        OC = oc;
        Groups = groups;
        (D, H, W) = (input[0], input[1], input[2]);
        (KD, KH, KW) = (kernel[0], kernel[1], kernel[2]);
        (SD, SH, SW) = (strides[0], strides[1], strides[2]);
        (DiD, DiH, DiW) = (dilations[0], dilations[1], dilations[2]);
        (BD, BH, BW) = (padBefore[0], padBefore[1], padBefore[2]);
        var outSize = new int[3];
        for (int a = 0; a < 3; a++)
        {
            int span = input[a] + padBefore[a] + padAfter[a] - dilations[a] * (kernel[a] - 1) - 1;
            if (span < 0)
                throw new ArgumentException(
                    $"a {string.Join("×", kernel)} kernel (dilations {string.Join("×", dilations)}) does not fit the " +
                    $"padded {string.Join("×", input)} input");
            outSize[a] = span / strides[a] + 1;
        }
        (OD, OH, OW) = (outSize[0], outSize[1], outSize[2]);
    }

    public int N { get; }
    public int C { get; }
    public int OC { get; }
    public int Groups { get; }
    public int D { get; }
    public int H { get; }
    public int W { get; }
    public int KD { get; }
    public int KH { get; }
    public int KW { get; }
    public int SD { get; }
    public int SH { get; }
    public int SW { get; }
    public int DiD { get; }
    public int DiH { get; }
    public int DiW { get; }
    public int BD { get; }
    public int BH { get; }
    public int BW { get; }
    public int OD { get; }
    public int OH { get; }
    public int OW { get; }

    public int Cg => C / Groups;
    public int OCg => OC / Groups;

    /// <summary>Rows of a vol2col matrix: Cg·KD·KH·KW.</summary>
    public int K => Cg * KD * KH * KW;

    /// <summary>Output positions per channel: OD·OH·OW.</summary>
    public int P => OD * OH * OW;

    /// <summary>Input positions per channel: D·H·W.</summary>
    public int S => D * H * W;

    public int WeightLength => OC * K;
}
