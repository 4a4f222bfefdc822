using Fovea.Tensors;

namespace Fovea.Data;

public sealed partial class Dataset
{
    /// <summary>Largest class index a stratified split accepts (labels are floats; this catches garbage).</summary>
    private const int MaxClassIndex = 1 << 20;

    /// <summary>
    /// Splits the samples at random into two datasets, e.g. training and validation:
    /// <c>var (train, validation) = data.Split(0.9, seed: 0);</c> puts 90% in the first.
    /// </summary>
    /// <param name="fraction">Share of the samples that go to the first part, in [0, 1]; the first part gets
    /// <c>round(fraction × Count)</c> samples (rounded half away from zero).</param>
    /// <param name="seed">Seed of the shuffle; the same seed gives the same split.</param>
    /// <param name="stratified">When true, each class is split separately with the same fraction (rounded per
    /// class), so both parts keep the class proportions. Needs [N] integer class labels or [N, K] one-hot /
    /// probability labels (the class is the argmax); with several targets the first one decides.</param>
    /// <returns>Copies of the two parts; each keeps the original order of its samples.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="fraction"/> is outside [0, 1].</exception>
    /// <exception cref="ArgumentException">Stratified, and a label is not a class index.</exception>
    public (Dataset First, Dataset Second) Split(double fraction, int seed, bool stratified = false)
    {
        if (!(fraction >= 0 && fraction <= 1))
            throw new ArgumentOutOfRangeException(nameof(fraction), fraction, "expected a fraction in [0, 1]");
        var rng = new Rng(seed);
        bool[] inFirst = new bool[Count];
        if (stratified)
        {
            foreach (int[] members in GroupByClass())
                MarkFirst(members, fraction, rng, inFirst);
        }
        else
        {
            int[] all = new int[Count];
            for (int i = 0; i < all.Length; i++)
                all[i] = i;
            MarkFirst(all, fraction, rng, inFirst);
        }
        int firstCount = 0;
        foreach (bool b in inFirst)
            firstCount += b ? 1 : 0;
        int[] first = new int[firstCount], second = new int[Count - firstCount];
        for (int i = 0, f = 0, s = 0; i < Count; i++)
        {
            if (inFirst[i])
                first[f++] = i;
            else
                second[s++] = i;
        }
        return (Subset(first), Subset(second));
    }

    private static void MarkFirst(int[] members, double fraction, Rng rng, bool[] inFirst)
    {
        rng.Shuffle(members.AsSpan());
        int take = (int)Math.Round(fraction * members.Length, MidpointRounding.AwayFromZero);
        for (int k = 0; k < take; k++)
            inFirst[members[k]] = true;
    }

    /// <summary>The sample indices of each class, classes in ascending order, samples in ascending order.</summary>
    private List<int[]> GroupByClass()
    {
        int[] classOf = new int[Count];
        int classes = 0;
        for (int i = 0; i < Count; i++)
        {
            classOf[i] = ClassOf(i);
            classes = Math.Max(classes, classOf[i] + 1);
        }
        int[] counts = new int[classes];
        foreach (int c in classOf)
            counts[c]++;
        var groups = new List<int[]>(classes);
        int[] filled = new int[classes];
        for (int c = 0; c < classes; c++)
            groups.Add(new int[counts[c]]);
        for (int i = 0; i < Count; i++)
            groups[classOf[i]][filled[classOf[i]]++] = i;
        return groups;
    }

    /// <summary>The class of sample <paramref name="i"/>: its label, or the argmax of its label row.</summary>
    private int ClassOf(int i)
    {
        var labels = Labels.AsReadOnlySpan();
        if (Labels.Rank == 2)
        {
            var row = labels.Slice(i * Labels.Shape[1], Labels.Shape[1]);
            int best = 0;
            for (int k = 1; k < row.Length; k++)
            {
                if (row[k] > row[best])
                    best = k;
            }
            return best;
        }
        float v = labels[i];
        if (!(v >= 0 && v <= MaxClassIndex && v == MathF.Floor(v)))
        {
            throw new ArgumentException(
                $"a stratified split needs integer class labels in [0, {MaxClassIndex}], "
                + $"but sample {i} is labelled {v}");
        }
        return (int)v;
    }
}
