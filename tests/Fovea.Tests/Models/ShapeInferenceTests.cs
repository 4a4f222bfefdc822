using Fovea.Layers;
using Fovea.Models;
using Fovea.Tensors;
using Xunit;

namespace Fovea.Tests.Models;

/// <summary>
/// Output shapes come from the layers' <c>ComputeOutputShape</c> when they can say them: building a model of stock
/// layers runs no example batch; a custom layer that does not say its shape is run once on an example.
/// </summary>
public sealed class ShapeInferenceTests
{
    [Fact]
    public void FunctionalResidualModel_InfersEveryShapeWithoutRunning()
    {
        var input = Input.Create([3, 16, 16]);
        var x = new Conv2D(8, 3, strides: 2, padding: Padding.Same).Call(input);
        x = new BatchNormalization().Call(x);
        x = new ReLU().Call(x);
        var y = new DepthwiseConv2D(3, padding: Padding.Same).Call(x);
        y = new LayerNormalization(axis: 1).Call(y);
        x = new Add().Call([x, y]);
        x = new Multiply().Call([x, new Reshape([8, 1, 1]).Call(new Dense(8).Call(new GlobalAveragePooling2D().Call(x)))]);
        x = new MaxPooling2D(2).Call(x);
        var tokens = new Reshape([8, 16]).Call(x);
        tokens = new Permute([2, 1]).Call(tokens);
        tokens = new MultiHeadAttention(2, keyDim: 4).Call(tokens, tokens);
        var output = new Dense(10).Call(new Flatten().Call(new Dropout(0.2).Call(tokens)));
        var model = new Model(input, output);

        Assert.Equal(new Shape(10), output.Shape);
        Assert.Equal(new Shape(16, 8), tokens.Shape);
        Assert.All(model.Nodes, n => Assert.False(n.Output.HasExample, $"{n.Layer.Describe()} ran an example"));
    }

    [Fact]
    public void Sequential_InfersEveryShapeWithoutRunning()
    {
        var model = new Sequential(
            [new Conv2D(4, 3), new BatchNormalization(), new ReLU(), new AveragePooling2D(2), new Flatten(),
                new Dense(5), new Softmax()],
            inputShape: [1, 10, 10]);
        Assert.All(model.Nodes, n => Assert.False(n.Output.HasExample, $"{n.Layer.Describe()} ran an example"));
        Assert.Equal(new Shape(1, 5), model.Nodes[^1].Output.BatchShape);
    }

    private sealed class Doubler : Layer
    {
        public int Calls { get; private set; }

        protected override Tensor Forward(Tensor x, bool training)
        {
            Calls++;
            return Fovea.Autograd.Functional.Concat([x, x], 1);
        }
    }

    [Fact]
    public void CustomLayerWithoutComputeOutputShape_RunsOnceOnAnExample()
    {
        var input = Input.Create([3]);
        var doubler = new Doubler();
        var output = doubler.Call(input);
        Assert.Equal(new Shape(6), output.Shape);
        Assert.Equal(1, doubler.Calls);
        Assert.True(output.HasExample);
    }
}
