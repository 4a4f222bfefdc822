using Fovea.Autograd;
using Fovea.Tensors;

namespace Fovea.Vision.Ops;

/// <summary>The four coordinate columns of a [N, 4] box tensor as differentiable [N, 1] columns (or [1, N] rows for
/// pairwise broadcasting), and shape checks shared by the box ops.</summary>
internal readonly record struct BoxColumns(Tensor A, Tensor B, Tensor C, Tensor D)
{
    /// <summary>Columns [N, 1] of <paramref name="boxes"/> [N, 4].</summary>
    public static BoxColumns Of(Tensor boxes) => new(Col(boxes, 0), Col(boxes, 1), Col(boxes, 2), Col(boxes, 3));

    /// <summary>Rows [1, N] of <paramref name="boxes"/> [N, 4] (to broadcast against columns: pairwise ops).</summary>
    public static BoxColumns RowsOf(Tensor boxes)
    {
        int n = boxes.Shape[0];
        return new(Functional.Reshape(Col(boxes, 0), 1, n), Functional.Reshape(Col(boxes, 1), 1, n),
            Functional.Reshape(Col(boxes, 2), 1, n), Functional.Reshape(Col(boxes, 3), 1, n));
    }

    /// <summary>The columns joined back into [N, 4].</summary>
    public Tensor Join() => Functional.Concat([A, B, C, D], 1);

    private static Tensor Col(Tensor boxes, int i) => Functional.Slice(boxes, [i], [i + 1], [1], [1]);

    /// <summary>Throws unless <paramref name="boxes"/> is [N, 4].</summary>
    public static void Check(string op, Tensor boxes, string what = "boxes")
    {
        if (boxes.Rank != 2 || boxes.Shape[1] != 4)
            throw new FoveaException($"{op}: expected {what} [N, 4], received {boxes.Shape}");
    }
}
