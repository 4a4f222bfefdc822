using System.Text.Json.Nodes;

namespace Fovea.Layers;

/// <summary>Weight penalties: <c>new Dense(128, kernelRegularizer: Regularizers.L2(1e-4))</c>.</summary>
public static class Regularizers
{
    public static Regularizer L2(double l2 = 0.01) => new(0f, (float)l2);

    public static Regularizer L1(double l1 = 0.01) => new((float)l1, 0f);

    public static Regularizer L1L2(double l1 = 0.0, double l2 = 0.0) => new((float)l1, (float)l2);

    public static Regularizer? FromConfig(JsonNode? node) =>
        node is null ? null : new Regularizer(node["l1"]?.GetValue<float>() ?? 0f, node["l2"]?.GetValue<float>() ?? 0f);
}
