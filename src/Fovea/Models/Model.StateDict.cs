using System.Text;
using Fovea.IO;
using Fovea.Tensors;

namespace Fovea.Models;

public partial class Model
{
    private const string BatchesTrackedLeaf = "batches_tracked";

    /// <summary>
    /// The model's weights under PyTorch <c>state_dict</c> names and shapes: each Fovea weight name
    /// ("layer1.0.bn1.moving_mean") with its last part renamed the PyTorch way (kernel, gamma and alpha → weight,
    /// beta → bias, moving_mean → running_mean, moving_variance → running_var, batches_tracked →
    /// num_batches_tracked), in the model's weight order. Shapes are those of the weights (convolution kernels
    /// [out, in/groups, kH, kW] and dense kernels [out, in], as in PyTorch), except num_batches_tracked, a scalar
    /// (shape []) in PyTorch. For a zoo model the names are those of the torchvision model's <c>state_dict()</c>.
    /// </summary>
    public IReadOnlyList<(string Name, Shape Shape, Parameter Weight)> StateDictEntries()
    {
        RequireBuilt("StateDictEntries");
        return NamedWeights().Select(kv =>
        {
            string torch = TorchName(kv.Key);
            var shape = IsBatchesTracked(kv.Key) ? new Shape() : kv.Value.Shape;
            return (torch, shape, kv.Value);
        }).ToList();
    }

    /// <summary>The PyTorch <c>state_dict</c> name of Fovea weight <paramref name="foveaName"/>
    /// (see <see cref="StateDictEntries"/>).</summary>
    public static string TorchName(string foveaName)
    {
        int dot = foveaName.LastIndexOf('.');
        string prefix = foveaName[..(dot + 1)];
        string leaf = foveaName[(dot + 1)..];
        return prefix + leaf switch
        {
            "kernel" or "gamma" or "alpha" => "weight",
            "beta" => "bias",
            "moving_mean" => "running_mean",
            "moving_variance" => "running_var",
            BatchesTrackedLeaf => "num_batches_tracked",
            _ => leaf,
        };
    }

    /// <summary>
    /// Loads a PyTorch <c>state_dict</c> saved as safetensors (as <c>safetensors.torch.save_file(model.state_dict(),
    /// path)</c> writes it; F32, F16, BF16, F64 and the integer types are read) into this model, by the
    /// names of <see cref="StateDictEntries"/>. See <see cref="LoadStateDict(IEnumerable{KeyValuePair{string, Tensor}}, string, bool)"/>.
    /// </summary>
    /// <exception cref="FoveaException">The file cannot be read, or its tensors do not match the model; the message
    /// lists every missing, unexpected and mis-shaped tensor.</exception>
    /// <param name="path">The safetensors file.</param>
    /// <param name="strict">As PyTorch's <c>load_state_dict(strict=...)</c>: false loads the tensors whose names the
    /// model has and returns the missing and unexpected names instead of refusing them (shapes must still match), e.g.
    /// a torchvision backbone's weights into a model built with <c>includeTop: false</c>.</param>
    /// <returns>The names the model expects but the file lacks, and those the model does not have (both empty when
    /// <paramref name="strict"/>).</returns>
    public StateDictKeys LoadStateDict(string path, bool strict = true)
    {
        RequireBuilt($"LoadStateDict('{path}')");
        var (tensors, _) = Safetensors.Load(path);
        return LoadStateDict(tensors, $"'{path}'", strict);
    }

    /// <summary>
    /// Loads PyTorch-named tensors into this model. Every tensor must name a weight of <see cref="StateDictEntries"/>
    /// with the same shape (num_batches_tracked may be [] or [1]) and every weight must be given, except
    /// num_batches_tracked (older PyTorch omits it: the statistics are then taken as warmed up). Otherwise nothing is
    /// changed and one <see cref="FoveaException"/> lists every missing, unexpected and mis-shaped tensor, each by
    /// name with both shapes.
    /// </summary>
    /// <param name="stateDict">PyTorch name and value of each tensor.</param>
    /// <param name="source">How the error message names the tensors' origin (a file name).</param>
    /// <param name="strict">False: missing and unexpected names are returned, not refused (PyTorch's
    /// <c>strict=False</c>); weights not given keep their values.</param>
    public StateDictKeys LoadStateDict(IEnumerable<KeyValuePair<string, Tensor>> stateDict,
        string source = "the state dict", bool strict = true)
    {
        RequireBuilt("LoadStateDict");
        var given = new Dictionary<string, Tensor>();
        var problems = new List<string>();
        foreach (var (name, t) in stateDict)
        {
            if (!given.TryAdd(name, t))
                problems.Add($"'{name}' is given twice");
        }
        var entries = StateDictEntries();
        var expected = new HashSet<string>();
        var missing = new List<string>();
        var unexpected = new List<string>();
        foreach (var (name, shape, w) in entries)
        {
            expected.Add(name);
            if (!given.TryGetValue(name, out var t))
            {
                if (!strict)
                    missing.Add(name);
                else if (w.ValueWhenMissing is null)
                    problems.Add($"missing '{name}' (the model expects {shape})");
            }
            else if (t.Shape != shape && !(t.Length == 1 && shape.Length == 1 && shape.Rank <= 1 && t.Rank <= 1))
            {
                problems.Add($"'{name}' has shape {t.Shape}, the model expects {shape}");
            }
        }
        foreach (var (name, t) in given)
        {
            if (expected.Contains(name))
                continue;
            if (strict)
                problems.Add($"unexpected '{name}' {t.Shape}");
            else
                unexpected.Add(name);
        }
        if (problems.Count > 0)
        {
            var message = new StringBuilder($"{source} does not match model '{Name}' ({problems.Count} problem" +
                $"{(problems.Count == 1 ? "" : "s")}): ");
            message.AppendJoin("; ", problems);
            throw new FoveaException(message.ToString());
        }
        foreach (var (name, _, w) in entries)
        {
            if (given.TryGetValue(name, out var t))
                w.Assign(t.AsReadOnlySpan());
            else if (strict)
                w.AsSpan().Fill(w.ValueWhenMissing!.Value);
        }
        return new StateDictKeys(missing, unexpected);
    }

    /// <summary>
    /// Writes the weights as a PyTorch <c>state_dict</c> in safetensors, atomically: the names and shapes of
    /// <see cref="StateDictEntries"/>, float32 except num_batches_tracked (int64 scalars) and MaxViT's relative_position_index (int64), so that
    /// <c>model.load_state_dict(safetensors.torch.load_file(path))</c> loads it into the matching torchvision model.
    /// </summary>
    public void SaveStateDict(string path)
    {
        RequireBuilt($"SaveStateDict('{path}')");
        var entries = StateDictEntries();
        var int64 = entries.Where(e => IsBatchesTracked(e.Name) || IsIndexBuffer(e.Name)).Select(e => e.Name).ToHashSet();
        Safetensors.Save(path,
            entries.Select(e => new KeyValuePair<string, Tensor>(e.Name, Tensor.Wrap(e.Weight.ToArray(), e.Shape))),
            new Dictionary<string, string> { ["format"] = "pt" }, int64);
    }

    private static bool IsBatchesTracked(string name) =>
        name.EndsWith(BatchesTrackedLeaf, StringComparison.Ordinal);

    /// <summary>Integer buffers PyTorch keeps as int64: MaxViT's relative_position_index.</summary>
    private static bool IsIndexBuffer(string name) =>
        name.EndsWith(".relative_position_index", StringComparison.Ordinal);

    private void RequireBuilt(string what)
    {
        if (!Built)
            throw new FoveaException($"model '{Name}' must be built (Build(sampleShape)) before {what}");
    }
}

/// <summary>What a non-strict <see cref="Model.LoadStateDict(string, bool)"/> left out (PyTorch's
/// <c>_IncompatibleKeys</c>).</summary>
/// <param name="MissingKeys">Weights of the model the state dict does not give (they keep their values).</param>
/// <param name="UnexpectedKeys">Tensors of the state dict the model does not have (ignored).</param>
public sealed record StateDictKeys(IReadOnlyList<string> MissingKeys, IReadOnlyList<string> UnexpectedKeys);
