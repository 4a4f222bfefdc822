using Fovea.Tensors;
using Xunit;

namespace Fovea.Architecture.Tests;

public class CoreStrataTests
{
    private const string FixtureRoot = "Fovea.Architecture.Tests.Fixtures";

    private static readonly System.Reflection.Assembly s_core = typeof(Tensor).Assembly;

    [Fact]
    public void Core_EveryDependencyPointsDown()
    {
        var violations = CoreStrata.Violations(s_core, CoreStrata.CoreRoot);
        Assert.True(violations.Count == 0, "dependencies that point up, sideways or skip the ops:\n" +
            string.Join("\n", violations));
    }

    [Fact]
    public void Core_EveryNamespaceHasAStratum()
    {
        Assert.Empty(CoreStrata.Unassigned(s_core, CoreStrata.CoreRoot));
    }

    [Fact]
    public void Violations_Fixtures_FindsEachDeliberateViolation()
    {
        var violations = CoreStrata.Violations(typeof(CoreStrataTests).Assembly, FixtureRoot);
        Assert.Equal(
        [
            $"{FixtureRoot}.IO.IOThatUsesAutograd -> {FixtureRoot}.Autograd",
            $"{FixtureRoot}.Layers.LayerThatCallsAKernel -> {FixtureRoot}.Kernels",
            $"{FixtureRoot}.Models.Zoo.FixtureZoo+Inner -> {FixtureRoot}.Reports",
            $"{FixtureRoot}.RootThatUsesTensors -> {FixtureRoot}.Tensors",
            $"{FixtureRoot}.Tensors.TensorThatKnowsALayer -> {FixtureRoot}.Layers",
        ], violations.Order());
    }

    [Fact]
    public void CoreSources_NoUsingDirectivePointsUp()
    {
        var folder = Repository.PathOf("src/Fovea");
        var violations = Directory.EnumerateFiles(folder, "*.cs", SearchOption.AllDirectories)
            .Where(f => !IsBuildOutput(Path.GetRelativePath(folder, f)))
            .SelectMany(f => CoreStrata.UsingViolations(File.ReadAllText(f), CoreStrata.CoreRoot)
                .Select(v => $"{Path.GetRelativePath(folder, f)}: {v}"))
            .ToList();
        Assert.True(violations.Count == 0, "using directives that point up:\n" + string.Join("\n", violations));
    }

    [Fact]
    public void UsingViolations_TensorsFileUsingAutogradAndLayerUsingKernels_AreReported()
    {
        const string Tensors = "using System.Numerics;\nusing Fovea.Kernels;\nusing Fovea.Autograd.Functions;\n\n" +
            "namespace Fovea.Tensors;\n\npublic class T { }\n";
        Assert.Equal(["Fovea.Tensors -> using Fovea.Autograd.Functions"],
            CoreStrata.UsingViolations(Tensors, CoreStrata.CoreRoot));
        const string Layers = "using Fovea.Autograd;\nusing Fovea.Kernels;\nusing Fovea.Tensors;\n" +
            "namespace Fovea.Layers\n{\n}\n";
        Assert.Equal(["Fovea.Layers -> using Fovea.Kernels"], CoreStrata.UsingViolations(Layers, CoreStrata.CoreRoot));
    }

    private static bool IsBuildOutput(string relative) =>
        relative.StartsWith("bin" + Path.DirectorySeparatorChar, StringComparison.Ordinal)
        || relative.StartsWith("obj" + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    [Fact]
    public void Unassigned_NamespaceOutsideTheStrata_IsReported()
    {
        // The test assembly's own namespace sits under Fovea but in no stratum (as a new core namespace would).
        var unassigned = CoreStrata.Unassigned(typeof(CoreStrataTests).Assembly, CoreStrata.CoreRoot);
        Assert.Contains("Fovea.Architecture.Tests", unassigned);
    }

    [Theory]
    [InlineData("", "Kernels Tensors IO Autograd Layers Data Training Models Reports")]
    [InlineData("Tensors", "IO Autograd Layers Data Training Models Reports")]
    [InlineData("Autograd", "IO Layers Data Training Models Reports")]
    [InlineData("Layers", "Data Training Models Reports Kernels")]
    [InlineData("Models", "Reports Kernels")]
    [InlineData("Reports", "Kernels")]
    public void Forbidden_Stratum_IsEverythingAtOrAboveItPlusSkips(string relative, string expected)
    {
        Assert.Equal(expected.Split(' '), CoreStrata.Forbidden(relative));
    }
}
