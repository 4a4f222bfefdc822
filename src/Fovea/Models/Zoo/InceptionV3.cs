using Fovea.Layers;
using static Fovea.Models.Zoo.GoogLeNet;
using static Fovea.Models.Zoo.TorchModules;

namespace Fovea.Models.Zoo;

/// <summary>
/// Inception-v3 as torchvision builds it (<c>inception_v3()</c>: <c>aux_logits=True</c>,
/// <c>transform_input=False</c>): BasicConv2d blocks (convolution without bias, BatchNorm ε = 1e−3, ReLU) named
/// "Conv2d_1a_3x3" … "Conv2d_4a_3x3", blocks "Mixed_5b" … "Mixed_7c" (InceptionA–E with their branch names,
/// 1×7/7×1 factorised convolutions, and 3×3 average pooling with padding 1 that counts the padding, PyTorch's
/// <c>count_include_pad=True</c>), adaptive average pooling, dropout 0.5 and "fc". With <c>auxLogits</c> the
/// auxiliary classifier "AuxLogits" (on Mixed_6e: 5×5/3 average pooling, "conv0", 5×5 "conv1", global average,
/// "fc") is built too and the model has two outputs (logits, aux), the first being the prediction; it needs
/// inputs of at least 299×299 (torchvision's training size). Without it any input from 75×75 works.
/// <c>includeTop: false</c> stops after the pooling (2048 features).
/// </summary>
public static class InceptionV3
{
    /// <summary>The smallest input the auxiliary classifier fits (its 5×5 convolution needs a 17×17 Mixed_6e).</summary>
    public const int MinimumAuxSize = 299;

    /// <summary>Builds Inception-v3; <paramref name="inputShape"/> defaults to [3, 299, 299].</summary>
    public static Model Create(int classes = 1000, bool includeTop = true, int[]? inputShape = null, int seed = 0,
        bool auxLogits = true)
    {
        var shape = inputShape ?? [3, 299, 299];
        bool aux = auxLogits && includeTop;
        if (aux && shape.Length == 3 && (shape[1] < MinimumAuxSize || shape[2] < MinimumAuxSize))
        {
            throw new FoveaException($"Inception-v3's auxiliary classifier needs inputs of at least " +
                $"{MinimumAuxSize}×{MinimumAuxSize}, received [{string.Join(", ", shape)}]; pass auxLogits: false");
        }
        using var seeded = Layer.Seeded(seed);
        var inputs = Input.Create(shape, "input");
        var x = Basic(inputs, 32, 3, "Conv2d_1a_3x3", stride: 2);
        x = Basic(x, 32, 3, "Conv2d_2a_3x3");
        x = Basic(x, 64, 3, "Conv2d_2b_3x3", padding: 1);
        x = new MaxPooling2D(3, 2, name: "maxpool1").Call(x);
        x = Basic(x, 80, 1, "Conv2d_3b_1x1");
        x = Basic(x, 192, 3, "Conv2d_4a_3x3");
        x = new MaxPooling2D(3, 2, name: "maxpool2").Call(x);
        x = BlockA(x, 32, "Mixed_5b");
        x = BlockA(x, 64, "Mixed_5c");
        x = BlockA(x, 64, "Mixed_5d");
        x = BlockB(x, "Mixed_6a");
        x = BlockC(x, 128, "Mixed_6b");
        x = BlockC(x, 160, "Mixed_6c");
        x = BlockC(x, 160, "Mixed_6d");
        x = BlockC(x, 192, "Mixed_6e");
        var auxOut = aux ? Aux(x, classes, "AuxLogits") : null;
        x = BlockD(x, "Mixed_7a");
        x = BlockE(x, "Mixed_7b");
        x = BlockE(x, "Mixed_7c");
        x = new GlobalAveragePooling2D("avgpool").Call(x);
        if (!includeTop)
            return new Model(inputs, x, "inception_v3", seed);
        x = new Dropout(0.5, "dropout").Call(x);
        x = Linear(classes, "fc").Call(x);
        return auxOut is null
            ? new Model(inputs, x, "inception_v3", seed)
            : new Model([inputs], [x, auxOut], "inception_v3", seed);
    }

    private static SymbolicTensor AvgPool3(SymbolicTensor x, string name) =>
        new AveragePooling2D(3, 1, Padding.Explicit(1), name, countIncludePad: true).Call(x);

    private static SymbolicTensor Cat(string name, params SymbolicTensor[] parts) =>
        new Concatenate(1, name).Call(parts);

    private static SymbolicTensor BlockA(SymbolicTensor x, int poolFeatures, string p)
    {
        var b1 = Basic(x, 64, 1, $"{p}.branch1x1");
        var b5 = Basic(x, 48, 1, $"{p}.branch5x5_1");
        b5 = Basic(b5, 64, 5, $"{p}.branch5x5_2", padding: 2);
        var b3 = Basic(x, 64, 1, $"{p}.branch3x3dbl_1");
        b3 = Basic(b3, 96, 3, $"{p}.branch3x3dbl_2", padding: 1);
        b3 = Basic(b3, 96, 3, $"{p}.branch3x3dbl_3", padding: 1);
        var bp = Basic(AvgPool3(x, $"{p}.avgpool"), poolFeatures, 1, $"{p}.branch_pool");
        return Cat($"{p}.concat", b1, b5, b3, bp);
    }

    private static SymbolicTensor BlockB(SymbolicTensor x, string p)
    {
        var b3 = Basic(x, 384, 3, $"{p}.branch3x3", stride: 2);
        var bd = Basic(x, 64, 1, $"{p}.branch3x3dbl_1");
        bd = Basic(bd, 96, 3, $"{p}.branch3x3dbl_2", padding: 1);
        bd = Basic(bd, 96, 3, $"{p}.branch3x3dbl_3", stride: 2);
        var bp = new MaxPooling2D(3, 2, name: $"{p}.maxpool").Call(x);
        return Cat($"{p}.concat", b3, bd, bp);
    }

    private static SymbolicTensor BlockC(SymbolicTensor x, int c7, string p)
    {
        var b1 = Basic(x, 192, 1, $"{p}.branch1x1");
        var b7 = Basic(x, c7, 1, $"{p}.branch7x7_1");
        b7 = Basic(b7, c7, (1, 7), $"{p}.branch7x7_2", padding: (0, 3));
        b7 = Basic(b7, 192, (7, 1), $"{p}.branch7x7_3", padding: (3, 0));
        var bd = Basic(x, c7, 1, $"{p}.branch7x7dbl_1");
        bd = Basic(bd, c7, (7, 1), $"{p}.branch7x7dbl_2", padding: (3, 0));
        bd = Basic(bd, c7, (1, 7), $"{p}.branch7x7dbl_3", padding: (0, 3));
        bd = Basic(bd, c7, (7, 1), $"{p}.branch7x7dbl_4", padding: (3, 0));
        bd = Basic(bd, 192, (1, 7), $"{p}.branch7x7dbl_5", padding: (0, 3));
        var bp = Basic(AvgPool3(x, $"{p}.avgpool"), 192, 1, $"{p}.branch_pool");
        return Cat($"{p}.concat", b1, b7, bd, bp);
    }

    private static SymbolicTensor BlockD(SymbolicTensor x, string p)
    {
        var b3 = Basic(x, 192, 1, $"{p}.branch3x3_1");
        b3 = Basic(b3, 320, 3, $"{p}.branch3x3_2", stride: 2);
        var b7 = Basic(x, 192, 1, $"{p}.branch7x7x3_1");
        b7 = Basic(b7, 192, (1, 7), $"{p}.branch7x7x3_2", padding: (0, 3));
        b7 = Basic(b7, 192, (7, 1), $"{p}.branch7x7x3_3", padding: (3, 0));
        b7 = Basic(b7, 192, 3, $"{p}.branch7x7x3_4", stride: 2);
        var bp = new MaxPooling2D(3, 2, name: $"{p}.maxpool").Call(x);
        return Cat($"{p}.concat", b3, b7, bp);
    }

    private static SymbolicTensor BlockE(SymbolicTensor x, string p)
    {
        var b1 = Basic(x, 320, 1, $"{p}.branch1x1");
        var b3 = Basic(x, 384, 1, $"{p}.branch3x3_1");
        b3 = Cat($"{p}.branch3x3_cat", Basic(b3, 384, (1, 3), $"{p}.branch3x3_2a", padding: (0, 1)),
            Basic(b3, 384, (3, 1), $"{p}.branch3x3_2b", padding: (1, 0)));
        var bd = Basic(x, 448, 1, $"{p}.branch3x3dbl_1");
        bd = Basic(bd, 384, 3, $"{p}.branch3x3dbl_2", padding: 1);
        bd = Cat($"{p}.branch3x3dbl_cat", Basic(bd, 384, (1, 3), $"{p}.branch3x3dbl_3a", padding: (0, 1)),
            Basic(bd, 384, (3, 1), $"{p}.branch3x3dbl_3b", padding: (1, 0)));
        var bp = Basic(AvgPool3(x, $"{p}.avgpool"), 192, 1, $"{p}.branch_pool");
        return Cat($"{p}.concat", b1, b3, bd, bp);
    }

    private static SymbolicTensor Aux(SymbolicTensor x, int classes, string p)
    {
        x = new AveragePooling2D(5, 3, name: $"{p}.avgpool0").Call(x);
        x = Basic(x, 128, 1, $"{p}.conv0");
        x = Basic(x, 768, 5, $"{p}.conv1");
        x = new GlobalAveragePooling2D($"{p}.avgpool1").Call(x);
        return Linear(classes, $"{p}.fc").Call(x);
    }
}
