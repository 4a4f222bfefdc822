using System.Text.Json.Nodes;
using Fovea.Autograd;
using Fovea.Tensors;
using Fovea.Training;
using Xunit;
using Xunit.Abstractions;

namespace Fovea.Tests.Golden;

/// <summary>
/// Three steps of each optimizer against <c>tests/golden/optimizers.safetensors</c> (torch.optim with the same
/// hyperparameters, ε = 1e−8 given explicitly): SGD with Nesterov momentum and weight decay, SGD with plain momentum,
/// Adam with and without (coupled) weight decay, AdamW. Two parameters get fixed gradient sequences through autograd
/// (L = Σ p ⊙ g, so ∂L/∂p = g exactly). Tolerance: each step rounds a few times at the size of the parameters, so
/// 1e−6·√steps of the largest parameter (<see cref="GoldenTolerance.Sum"/>).
/// </summary>
public sealed class OptimizersGoldenTests(ITestOutputHelper output)
{
    private const string FileName = "optimizers";
    private const int Steps = 3;
    private const int ParameterCount = 2;

    public static TheoryData<string> Cases => GoldenFile.CaseData(FileName);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Step_ThreeSteps_MatchTorch(string c)
    {
        var g = GoldenFile.Load(FileName, output);
        var optimizer = Create(g.Params(c));
        var parameters = new Parameter[ParameterCount];
        for (int i = 0; i < ParameterCount; i++)
        {
            var init = g.Get($"init.p{i}");
            parameters[i] = new Parameter($"p{i}", init.Shape);
            parameters[i].Assign(init.AsReadOnlySpan());
        }
        for (int step = 1; step <= Steps; step++)
        {
            Optimizer.ZeroGrad(parameters);
            var loss = Functional.AddN(parameters.Select((p, i) =>
                Functional.Sum(Functional.Multiply(p, g.Get($"grad.step{step}.p{i}")))).ToList());
            loss.Backward();
            optimizer.Step(parameters);
            for (int i = 0; i < ParameterCount; i++)
            {
                string name = $"{c}.step{step}.p{i}";
                g.Close(name, parameters[i], GoldenTolerance.Sum(step, g.MaxAbs(name)), 0);
            }
        }
    }

    private static Optimizer Create(JsonObject p)
    {
        double Number(string key) => p[key]!.GetValue<double>();
        return (string)p["optimizer"]! switch
        {
            "sgd" => new Sgd(Number("lr"), Number("momentum"), p["nesterov"]!.GetValue<bool>(), Number("weight_decay")),
            "adam" => new Adam(Number("lr"), Number("beta1"), Number("beta2"), Number("epsilon"),
                Number("weight_decay")),
            "adamw" => new AdamW(Number("lr"), Number("weight_decay"), Number("beta1"), Number("beta2"),
                Number("epsilon")),
            var name => throw new InvalidOperationException($"unknown optimizer {name}"),
        };
    }
}
