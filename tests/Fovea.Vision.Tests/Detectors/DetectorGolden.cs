using Fovea.Tests.Models;
using Fovea.Tensors;
using Fovea.Vision.Detectors.Torchvision;
using Xunit;
using Xunit.Abstractions;

namespace Fovea.Vision.Tests.Detectors;

/// <summary>Shared by the torchvision detector goldens (<c>tests/golden/detectors.safetensors</c>): the generated
/// state dict and the comparison of detections.</summary>
internal static class DetectorGolden
{
    public const string File = "detectors";

    /// <summary>Boxes: float32 rounding through the backbone (up to ResNet-50), RoIAlign and the coder moves
    /// coordinates of up to ~300 px by ~1e-5 relative (measured: 1.8e-4 px Faster R-CNN, 3e-5 px SSDLite, 1.1e-3 px
    /// RetinaNet); 5e-3 px leaves room for another summation order and is far below a pixel.</summary>
    public const double BoxTolerance = 5e-3;

    /// <summary>Scores: softmax of class logits the script scales ×60, which scales float32 rounding too; measured
    /// 1.4e-5. Expected scores closer than this count as tied (either order).</summary>
    public const double ScoreTolerance = 5e-5;

    /// <summary>The generated state dict of the names and shapes torchvision gave, with the script's factors and the
    /// entries it stored ("model.state.entry") in place of generated ones.</summary>
    public static Dictionary<string, Tensor> StateDict(Golden g, string model)
    {
        var p = g.Params(model);
        var scales = p["scales"]!.AsObject();
        var state = new Dictionary<string, Tensor>();
        foreach (var entry in p["state_dict"]!.AsArray())
        {
            string key = entry![0]!.GetValue<string>();
            var shape = new Shape(entry[1]!.AsArray().Select(d => d!.GetValue<int>()).ToArray());
            if (g.Has($"{model}.state.{key}"))
            {
                state[key] = g.Get($"{model}.state.{key}");
                continue;
            }
            var t = ZooWeights.Generate(key, shape);
            if (scales[key] is { } factor)
            {
                float f = factor.GetValue<float>();
                var s = t.AsSpan();
                for (int i = 0; i < s.Length; i++)
                    s[i] *= f;
            }
            state[key] = t;
        }
        return state;
    }

    /// <summary>
    /// Same count; position by position the same label, score within <see cref="ScoreTolerance"/> and box within
    /// <see cref="BoxTolerance"/> — except that detections whose expected scores are within
    /// <see cref="ScoreTolerance"/> of each other (a tie at float32 rounding) may come in either order.
    /// </summary>
    public static void Compare(Golden g, string prefix, Detections actual, ITestOutputHelper output)
    {
        var eb = g.Get($"{prefix}.boxes").ToArray();
        var labels = g.Ints($"{prefix}.labels");
        var scores = g.Get($"{prefix}.scores").ToArray();
        var ab = actual.Boxes.ToArray();
        Assert.Equal(scores.Length, actual.Count);
        double maxBox = 0, maxScore = 0;
        int ties = 0;
        for (int start = 0; start < scores.Length;)
        {
            int end = start + 1;
            while (end < scores.Length && scores[end - 1] - scores[end] <= ScoreTolerance)
                end++;
            ties += end - start - 1;
            var used = new bool[end - start];
            for (int i = start; i < end; i++)
            {
                int match = -1;
                for (int j = start; j < end && match < 0; j++)
                {
                    if (!used[j - start] && actual.Labels[j] == labels[i] &&
                        Math.Abs(actual.Scores[j] - scores[i]) <= ScoreTolerance &&
                        Enumerable.Range(0, 4).All(c => Math.Abs(ab[4 * j + c] - eb[4 * i + c]) <= BoxTolerance))
                    {
                        match = j;
                    }
                }
                Assert.True(match >= 0, $"{prefix}: detection {i} (label {labels[i]}, score {scores[i]:G9}, box " +
                    $"[{string.Join(", ", eb.Skip(4 * i).Take(4))}]) not found at its place; found label " +
                    $"{actual.Labels[i]}, score {actual.Scores[i]:G9}, box " +
                    $"[{string.Join(", ", ab.Skip(4 * i).Take(4))}]");
                used[match - start] = true;
                maxScore = Math.Max(maxScore, Math.Abs(actual.Scores[match] - scores[i]));
                for (int c = 0; c < 4; c++)
                    maxBox = Math.Max(maxBox, Math.Abs(ab[4 * match + c] - eb[4 * i + c]));
            }
            start = end;
        }
        output.WriteLine($"{prefix}: {scores.Length} detections, " +
            $"labels {string.Join(",", labels.Distinct().Order())}, " +
            $"max box difference {maxBox:G3} px, max score difference {maxScore:G3}, {ties} near-ties");
    }

    /// <summary>The gradients of the summed losses for every state-dict entry the script stored one for
    /// ("model.grad.entry"): within 5e-3 of the tensor's largest gradient. Heads and FPN agree within 1e-6 of it; the
    /// first backbone layers, after ~60 layers of float32 backward whose ReLU/hard-swish kinks rounding can flip,
    /// within 2.8e-3 (Faster R-CNN body.1), 1.4e-3 (SSDLite), 3.6e-4 (RetinaNet conv1). A missing or wrong term would
    /// be off by far more.</summary>
    public static void Gradients(Golden g, string model, IReadOnlyList<KeyValuePair<string, Parameter>> state,
        ITestOutputHelper output)
    {
        int checkedCount = 0;
        foreach (var (key, p) in state)
        {
            string name = $"{model}.grad.{key}";
            if (!g.Has(name))
                continue;
            float scale = g.Get(name).ToArray().Max(Math.Abs);
            g.Close(name, p.Grad, 5e-3 * scale, 0, output);
            checkedCount++;
        }
        Assert.True(checkedCount >= 3, $"{model}: only {checkedCount} gradients found in the golden");
    }
}
