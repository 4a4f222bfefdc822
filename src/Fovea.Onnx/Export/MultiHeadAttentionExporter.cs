using Fovea.Layers;
using Fovea.Tensors;

namespace Fovea.Onnx.Export;

/// <summary>
/// MultiHeadAttention in inference mode (attention dropout vanishes), decomposed as Fovea computes it. Inputs
/// [query], [query, value], [query, value, key] or [query, value, key, mask]:
/// <code>
/// Q = Reshape(query·Wq + bq, [0, −1, h, k])·(1/√k)           Wq as [dq, h·k], bq as [h·k]; K, V alike
/// logits = MatMul(Transpose(Q, [0, 2, 1, 3]), Transpose(K, [0, 2, 3, 1]))            [B, h, T, S]
/// logits = Where(Cast(Unsqueeze(mask, [1]), bool), logits, −1e9)                      with a mask
/// context = MatMul(Softmax(logits, −1), Transpose(V, [0, 2, 1, 3]))                   [B, h, T, v]
/// output = Reshape(Transpose(context, [0, 2, 1, 3]), [0, −1, h·v])·Wo + bo             Wo as [h·v, out]
/// </code>
/// A nonzero mask entry lets the query attend to that key (Cast to bool), as in Fovea; a mask of batch 1 broadcasts.
/// </summary>
[OnnxExporter(typeof(MultiHeadAttention))]
internal sealed class MultiHeadAttentionExporter : LayerExporter<MultiHeadAttention>
{
    public override OnnxExportTensor Export(MultiHeadAttention mha, IReadOnlyList<OnnxExportTensor> inputs,
        OnnxExportContext context)
    {
        if (inputs.Count > 4)
            throw context.Unsupported($"expected 1 to 4 inputs [query, value, key, mask], received {inputs.Count}");
        var query = inputs[0];
        var value = inputs.Count > 1 ? inputs[1] : query;
        var key = inputs.Count > 2 ? inputs[2] : value;
        var mask = inputs.Count > 3 ? inputs[3] : null;
        foreach (var (what, t) in new[] { ("query", query), ("value", value), ("key", key) })
        {
            if (t.Rank != 3)
                throw context.Unsupported($"expected {what} [B, L, dim], received {t.Shape}");
        }
        if (mask is not null && mask.Rank != 3)
            throw context.Unsupported($"expected attention mask [B, T, S], received {mask.Shape}");

        string q = Project(context, query, mha.QueryKernel, mha.QueryBias, "query");
        q = context.Node("Mul", [q, context.Constant([1f / MathF.Sqrt(mha.KeyDim)], [])], "query/scaled");
        string k = Project(context, key, mha.KeyKernel, mha.KeyBias, "key");
        string v = Project(context, value, mha.ValueKernel, mha.ValueBias, "value");
        string logits = context.Node("MatMul", [Transpose(context, q, [0, 2, 1, 3], "query/by_head"),
            Transpose(context, k, [0, 2, 3, 1], "key/by_head")], "logits");
        if (mask is not null)
        {
            string m = context.Node("Unsqueeze", [mask.Name, context.Int64Constant([1])], "mask/by_head");
            m = context.Node("Cast", [m], "mask/bool", new OnnxAttribute("to", 9L));
            logits = context.Node("Where", [m, logits, context.Constant([-1e9f], [])], "logits/masked");
        }
        string scores = context.Node("Softmax", [logits], "scores", new OnnxAttribute("axis", -1L));
        string attended = context.Node("MatMul", [scores, Transpose(context, v, [0, 2, 1, 3], "value/by_head")],
            "context");
        int h = mha.NumHeads, hv = h * mha.ValueDim, outDim = mha.OutputKernel.Shape[2];
        attended = Transpose(context, attended, [0, 2, 1, 3], "context/by_position");
        attended = context.Node("Reshape", [attended, context.Int64Constant([0, -1, hv])], "context/merged");
        string y = context.Node("MatMul", [attended, context.Weight(mha.OutputKernel, new Shape(hv, outDim))],
            mha.OutputBias is null ? null : "output/matmul");
        if (mha.OutputBias is not null)
            y = context.Node("Add", [y, context.Weight(mha.OutputBias)]);
        return query with { Name = y, Shape = new Shape(query.Shape[0], query.Shape[1], outDim) };
    }

    /// <summary>x [B, L, d]·W [d, h, e] + b [h, e] → [B, L, h, e].</summary>
    private static string Project(OnnxExportContext context, OnnxExportTensor x, Parameter kernel, Parameter? bias,
        string role)
    {
        int d = kernel.Shape[0], he = kernel.Shape[1] * kernel.Shape[2];
        string y = context.Node("MatMul", [x.Name, context.Weight(kernel, new Shape(d, he))], $"{role}/matmul");
        if (bias is not null)
            y = context.Node("Add", [y, context.Weight(bias, new Shape(he))], $"{role}/bias");
        long[] heads = [0, -1, kernel.Shape[1], kernel.Shape[2]];
        return context.Node("Reshape", [y, context.Int64Constant(heads)], role);
    }

    private static string Transpose(OnnxExportContext context, string x, int[] perm, string suffix) =>
        context.Node("Transpose", [x], suffix, new OnnxAttribute("perm", perm));
}
