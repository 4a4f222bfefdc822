// A miniature of the core's strata under Fovea.Architecture.Tests.Fixtures, with five deliberate violations and
// legal dependencies beside them. CoreStrataTests runs the same rule (CoreStrata.Violations) on these types to show
// that it fails where it must and stays quiet where it must. Several small types share this file on purpose: they
// are one picture.
#pragma warning disable CS0649 // fields never assigned: only their types matter

namespace Fovea.Architecture.Tests.Fixtures
{
    internal enum FixturePadding
    {
        Valid,
        Same,
    }

    /// <summary>Violation: the root (lowest stratum) uses Tensors.</summary>
    internal static class RootThatUsesTensors
    {
        public static int Length(Tensors.FixtureTensor t) => t.Data.Length;
    }
}

namespace Fovea.Architecture.Tests.Fixtures.Kernels
{
    internal static class FixtureKernel
    {
        public static float Twice(float x, FixturePadding padding) => padding == FixturePadding.Same ? 2 * x : x;
    }
}

namespace Fovea.Architecture.Tests.Fixtures.Tensors
{
    /// <summary>Legal: uses Kernels and the root.</summary>
    internal sealed class FixtureTensor
    {
        public float[] Data = [];

        public float First() => Kernels.FixtureKernel.Twice(Data[0], FixturePadding.Valid);
    }

    /// <summary>Violation: a tensor that knows a layer (points up two strata).</summary>
    internal sealed class TensorThatKnowsALayer
    {
        public Layers.FixtureLayer? Owner;
    }
}

namespace Fovea.Architecture.Tests.Fixtures.Autograd
{
    /// <summary>Legal: uses Tensors.</summary>
    internal sealed class FixtureFunction
    {
        public Tensors.FixtureTensor? Saved;
    }
}

namespace Fovea.Architecture.Tests.Fixtures.Autograd.Functions
{
    internal sealed class FixtureConvFunction
    {
        public Autograd.FixtureFunction? Base;
    }
}

namespace Fovea.Architecture.Tests.Fixtures.IO
{
    /// <summary>Violation: IO and Autograd (here its sub-namespace) are siblings; neither may use the other.</summary>
    internal static class IOThatUsesAutograd
    {
        public static object Make() => new Autograd.Functions.FixtureConvFunction();
    }
}

namespace Fovea.Architecture.Tests.Fixtures.Layers
{
    /// <summary>Legal: uses Autograd and Tensors.</summary>
    internal sealed class FixtureLayer
    {
        public Autograd.FixtureFunction? Op;

        public Tensors.FixtureTensor? Weight;
    }

    /// <summary>Violation: a layer calls a kernel, skipping the ops.</summary>
    internal sealed class LayerThatCallsAKernel
    {
        public float Run(float x) => Kernels.FixtureKernel.Twice(x, FixturePadding.Same);
    }
}

namespace Fovea.Architecture.Tests.Fixtures.Reports
{
    internal sealed class FixtureReport
    {
        public Layers.FixtureLayer? Layer;
    }
}

namespace Fovea.Architecture.Tests.Fixtures.Models.Zoo
{
    /// <summary>Violation, hidden in a nested type of a sub-namespace: Models use Reports, which sit above.</summary>
    internal static class FixtureZoo
    {
        public static Layers.FixtureLayer Stem() => new();

        internal sealed class Inner
        {
            public Reports.FixtureReport? Report;
        }
    }
}
