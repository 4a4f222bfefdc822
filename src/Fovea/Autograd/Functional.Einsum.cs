using Fovea.Tensors;

namespace Fovea.Autograd;

public static partial class Functional
{
    /// <summary>
    /// Einstein summation over one or two operands (NumPy/ONNX <c>einsum</c>, e.g. "bij,bjk->bik"; spaces and "..."
    /// are allowed; without "->" the output takes the letters that appear once, in alphabetical order). Letters of
    /// one operand missing from the output are summed first; two operands are then permuted to
    /// [batch, free, contracted] and [batch, contracted, free] and multiplied with <see cref="BatchMatMul"/>, so
    /// gradients flow through ordinary ops. Repeated letters within one operand (diagonals) are not supported.
    /// </summary>
    public static Tensor Einsum(string equation, params Tensor[] operands)
    {
        ArgumentNullException.ThrowIfNull(equation);
        if (operands.Length is < 1 or > 2)
            throw new ArgumentException($"Einsum: {operands.Length} operands; one or two are supported");
        string eq = equation.Replace(" ", "", StringComparison.Ordinal);
        string[] sides = eq.Split("->");
        string[] terms = sides[0].Split(',');
        if (terms.Length != operands.Length)
            throw new ArgumentException($"Einsum: '{equation}' names {terms.Length} operands, received " +
                $"{operands.Length}");
        var letters = new List<string>();
        int ellipsisRank = 0;
        for (int i = 0; i < terms.Length; i++)
        {
            int explicitLetters = terms[i].Replace("...", "", StringComparison.Ordinal).Length;
            if (terms[i].Contains("...", StringComparison.Ordinal))
                ellipsisRank = Math.Max(ellipsisRank, operands[i].Rank - explicitLetters);
        }
        string dots = new(Enumerable.Range(0, ellipsisRank).Select(k => (char)('\u0100' + k)).ToArray());
        for (int i = 0; i < terms.Length; i++)
        {
            string t = terms[i];
            if (t.Contains("...", StringComparison.Ordinal))
                t = t.Replace("...", dots[(ellipsisRank - (operands[i].Rank - t.Replace("...", "",
                    StringComparison.Ordinal).Length))..], StringComparison.Ordinal);
            if (t.Length != operands[i].Rank || t.Distinct().Count() != t.Length)
                throw new ArgumentException($"Einsum: term '{terms[i]}' does not fit operand {i} {operands[i].Shape}");
            letters.Add(t);
        }
        string output = sides.Length > 1
            ? sides[1].Replace("...", dots, StringComparison.Ordinal)
            : dots + new string(letters.SelectMany(t => t).GroupBy(c => c).Where(g => g.Count() == 1
                && g.Key < '\u0100')
                .Select(g => g.Key).Order().ToArray());
        var xs = operands.ToArray();
        for (int i = 0; i < xs.Length; i++)
        {
            // sum letters that neither the output nor the other operand has
            string other = xs.Length == 2 ? letters[1 - i] : "";
            var drop = letters[i].Select((c, k) => (c, k)).Where(p => !output.Contains(p.c)
                && !other.Contains(p.c)).ToList();
            if (drop.Count > 0)
            {
                xs[i] = Sum(xs[i], drop.Select(p => p.k).ToArray());
                letters[i] = new string(letters[i].Where(c => drop.All(p => p.c != c)).ToArray());
            }
        }
        if (xs.Length == 1)
            return Permute(xs[0], output.Select(c => IndexOf(letters[0], c, equation)).ToArray());
        string a = letters[0], b = letters[1];
        string batch = new(output.Where(c => a.Contains(c) && b.Contains(c)).ToArray());
        string freeA = new(output.Where(c => a.Contains(c) && !b.Contains(c)).ToArray());
        string freeB = new(output.Where(c => b.Contains(c) && !a.Contains(c)).ToArray());
        string contracted = new(a.Where(c => b.Contains(c) && !output.Contains(c)).ToArray());
        int Size(Tensor t, string l, char c) => t.Shape[l.IndexOf(c)];
        var batchDims = batch.Select(c => Math.Max(Size(xs[0], a, c), Size(xs[1], b, c))).ToArray();
        var pa = Permute(xs[0], (batch + freeA + contracted).Select(c => a.IndexOf(c)).ToArray());
        var pb = Permute(xs[1], (batch + contracted + freeB).Select(c => b.IndexOf(c)).ToArray());
        int m = freeA.Aggregate(1, (p, c) => p * Size(xs[0], a, c));
        int n = freeB.Aggregate(1, (p, c) => p * Size(xs[1], b, c));
        int k = contracted.Aggregate(1, (p, c) => p * Size(xs[0], a, c));
        pa = Expand(pa, [.. batchDims, .. pa.Shape.Dims[batch.Length..]]);
        pb = Expand(pb, [.. batchDims, .. pb.Shape.Dims[batch.Length..]]);
        var y = BatchMatMul(Reshape(pa, [.. batchDims, m, k]), Reshape(pb, [.. batchDims, k, n]));
        string produced = batch + freeA + freeB;
        y = Reshape(y, [.. batchDims, .. freeA.Select(c => Size(xs[0], a, c)), .. freeB.Select(c => Size(xs[1], b,
            c))]);
        return Permute(y, output.Select(c => IndexOf(produced, c, equation)).ToArray());
    }

    private static int IndexOf(string letters, char c, string equation)
    {
        int i = letters.IndexOf(c);
        return i >= 0 ? i : throw new ArgumentException($"Einsum: output letter '{c}' of '{equation}' is in no " +
            $"operand");
    }
}
