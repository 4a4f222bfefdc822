using System.Buffers;

namespace Fovea.Kernels;

/// <summary>
/// 3-D convolution (cross-correlation), [N, C, D, H, W], weights [OC, Cg, KD, KH, KW]; see
/// <see cref="Conv3DGeometry"/> for the legend. 1-D and 2-D convolutions that the 2-D kernels do not serve (and
/// transposed convolutions, which are this op's adjoint) run here with unit axes. Each image and group is one GEMM:
///   forward          y[n, g] (OCg×P)  = W[g] (OCg×K) · vol2col(x[n, g]) (K×P) + b
///   backward input   dx[n, g]         = col2vol(W[g]ᵀ (K×OCg) · dy[n, g] (OCg×P))
///   backward weight  dW[g] (OCg×K)    = Σ_n dy[n, g] (OCg×P) · vol2col(x[n, g])ᵀ (P×K)
/// Images run one after another and <see cref="Gemm"/> splits each product over the kernel threads, so results are
/// deterministic. Reference twin: <see cref="Reference.ReferenceConv3D"/>.
/// </summary>
internal static class Conv3DKernels
{
    /// <summary>y = conv(x, w) + bias (overwrites y; bias may be empty).</summary>
    public static void Forward(ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> bias, Span<float> y,
        in Conv3DGeometry g)
    {
        float[] col = ArrayPool<float>.Shared.Rent(Math.Max(1, g.K * g.P));
        try
        {
            for (int n = 0; n < g.N; n++)
            {
                for (int grp = 0; grp < g.Groups; grp++)
                {
                    var xg = x.Slice((n * g.C + grp * g.Cg) * g.S, g.Cg * g.S);
                    var yg = y.Slice((n * g.OC + grp * g.OCg) * g.P, g.OCg * g.P);
                    VolToCol(xg, col, g);
                    Gemm.Multiply(false, false, g.OCg, g.P, g.K, w.Slice(grp * g.OCg * g.K, g.OCg * g.K), g.K, col, g.P,
                        yg, g.P, accumulate: false);
                }
                if (!bias.IsEmpty)
                {
                    for (int oc = 0; oc < g.OC; oc++)
                        Elementwise.AddScalar(y.Slice((n * g.OC + oc) * g.P, g.P), bias[oc], y.Slice((n * g.OC
                            + oc) * g.P, g.P));
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(col);
        }
    }

    /// <summary>dx = the adjoint of <see cref="Forward"/> applied to dy (overwrites dx).</summary>
    public static void BackwardInput(ReadOnlySpan<float> dy, ReadOnlySpan<float> w, Span<float> dx, in Conv3DGeometry g)
    {
        float[] col = ArrayPool<float>.Shared.Rent(Math.Max(1, g.K * g.P));
        try
        {
            dx.Clear();
            for (int n = 0; n < g.N; n++)
            {
                for (int grp = 0; grp < g.Groups; grp++)
                {
                    var dyg = dy.Slice((n * g.OC + grp * g.OCg) * g.P, g.OCg * g.P);
                    Gemm.Multiply(true, false, g.K, g.P, g.OCg, w.Slice(grp * g.OCg * g.K, g.OCg * g.K), g.K, dyg, g.P,
                        col, g.P, accumulate: false);
                    ColToVol(col, dx.Slice((n * g.C + grp * g.Cg) * g.S, g.Cg * g.S), g);
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(col);
        }
    }

    /// <summary>dw = Σ_n dy[n] · vol2col(x[n])ᵀ (overwrites dw).</summary>
    public static void BackwardWeight(ReadOnlySpan<float> dy, ReadOnlySpan<float> x, Span<float> dw,
        in Conv3DGeometry g)
    {
        float[] col = ArrayPool<float>.Shared.Rent(Math.Max(1, g.K * g.P));
        try
        {
            dw.Clear();
            for (int n = 0; n < g.N; n++)
            {
                for (int grp = 0; grp < g.Groups; grp++)
                {
                    VolToCol(x.Slice((n * g.C + grp * g.Cg) * g.S, g.Cg * g.S), col, g);
                    var dyg = dy.Slice((n * g.OC + grp * g.OCg) * g.P, g.OCg * g.P);
                    Gemm.Multiply(false, true, g.OCg, g.K, g.P, dyg, g.P, col, g.P,
                        dw.Slice(grp * g.OCg * g.K, g.OCg * g.K), g.K, accumulate: true);
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(col);
        }
    }

    /// <summary>db[oc] = Σ_n Σ_p dy[n, oc, p] (overwrites db).</summary>
    public static void BackwardBias(ReadOnlySpan<float> dy, Span<float> db, int n, int oc, int p)
    {
        db.Clear();
        for (int i = 0; i < n; i++)
        {
            for (int c = 0; c < oc; c++)
                db[c] += (float)Elementwise.Sum(dy.Slice((i * oc + c) * p, p));
        }
    }

    /// <summary>col[((c·KD + kd)·KH + kh)·KW + kw, (od·OH + oh)·OW + ow] = x[c, od·SD − BD + kd·DiD, ...] (0
    /// outside).</summary>
    private static void VolToCol(ReadOnlySpan<float> x, Span<float> col, in Conv3DGeometry g)
    {
        int row = 0;
        for (int c = 0; c < g.Cg; c++)
        {
            for (int kd = 0; kd < g.KD; kd++)
            {
                for (int kh = 0; kh < g.KH; kh++)
                {
                    for (int kw = 0; kw < g.KW; kw++, row++)
                    {
                        var dst = col.Slice(row * g.P, g.P);
                        int p = 0;
                        for (int od = 0; od < g.OD; od++)
                        {
                            int id = od * g.SD - g.BD + kd * g.DiD;
                            for (int oh = 0; oh < g.OH; oh++)
                            {
                                int ih = oh * g.SH - g.BH + kh * g.DiH;
                                bool inside = (uint)id < (uint)g.D && (uint)ih < (uint)g.H;
                                int rowBase = ((c * g.D + id) * g.H + ih) * g.W;
                                for (int ow = 0; ow < g.OW; ow++, p++)
                                {
                                    int iw = ow * g.SW - g.BW + kw * g.DiW;
                                    dst[p] = inside && (uint)iw < (uint)g.W ? x[rowBase + iw] : 0f;
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// <summary>x += col2vol(col), the adjoint of <see cref="VolToCol"/>.</summary>
    private static void ColToVol(ReadOnlySpan<float> col, Span<float> x, in Conv3DGeometry g)
    {
        int row = 0;
        for (int c = 0; c < g.Cg; c++)
        {
            for (int kd = 0; kd < g.KD; kd++)
            {
                for (int kh = 0; kh < g.KH; kh++)
                {
                    for (int kw = 0; kw < g.KW; kw++, row++)
                    {
                        var src = col.Slice(row * g.P, g.P);
                        int p = 0;
                        for (int od = 0; od < g.OD; od++)
                        {
                            int id = od * g.SD - g.BD + kd * g.DiD;
                            for (int oh = 0; oh < g.OH; oh++)
                            {
                                int ih = oh * g.SH - g.BH + kh * g.DiH;
                                if ((uint)id >= (uint)g.D || (uint)ih >= (uint)g.H)
                                {
                                    p += g.OW;
                                    continue;
                                }
                                int rowBase = ((c * g.D + id) * g.H + ih) * g.W;
                                for (int ow = 0; ow < g.OW; ow++, p++)
                                {
                                    int iw = ow * g.SW - g.BW + kw * g.DiW;
                                    if ((uint)iw < (uint)g.W)
                                        x[rowBase + iw] += src[p];
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
