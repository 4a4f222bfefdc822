using System.Reflection;
using Fovea.Tensors;
using Xunit;

namespace Fovea.Architecture.Tests;

public class ProjectRulesTests
{
    private static readonly Assembly s_core = typeof(Tensor).Assembly;

    public static TheoryData<string> Subsystems => new(ProjectRules.Subsystems);

    private static Assembly Load(string name) => Assembly.Load(name);

    [Fact]
    public void Core_ReferencesNoFoveaAssembly()
    {
        Assert.Empty(ProjectRules.FoveaReferences(s_core));
        Assert.Empty(ProjectRules.ProjectReferences(ProjectRules.SourceProject("Fovea")));
    }

    [Theory]
    [MemberData(nameof(Subsystems))]
    public void Subsystem_ReferencesNeitherCliNorBenchNorTests(string name)
    {
        Assert.Empty(ProjectRules.ForbiddenReferences(Load(name), ["Fovea.Cli", "Fovea.Bench", "Fovea.Tests"]));
        var references = ProjectRules.ProjectReferences(ProjectRules.SourceProject(name));
        Assert.Contains("src/Fovea/Fovea.csproj", references);
        Assert.Empty(ProjectRules.ForbiddenProjectReferences(references, ProjectRules.NotForLibraries));
    }

    [Fact]
    public void Cli_DoesNotReferenceBench()
    {
        var cli = Load("Fovea.Cli");
        Assert.Empty(ProjectRules.ForbiddenReferences(cli, ["Fovea.Bench"]));
        var references = ProjectRules.ProjectReferences(ProjectRules.SourceProject("Fovea.Cli"));
        Assert.Empty(ProjectRules.ForbiddenProjectReferences(references, ["bench/", "tests/", "examples/"]));
    }

    [Fact]
    public void Core_GrantsNoInternalsToCliOrSubsystemsButOnnx()
    {
        // Fovea.Onnx is the one known exception (ARCHITECTURE.md lists what it uses); nothing else above the core.
        string[] mustNotSee = ["Fovea.Cli", .. ProjectRules.Subsystems.Where(s => s != "Fovea.Onnx")];
        Assert.Empty(ProjectRules.ForbiddenGrants(s_core, mustNotSee));
    }

    [Fact]
    public void Onnx_GrantsNoInternalsToCliOrSubsystems()
    {
        string[] mustNotSee = ["Fovea.Cli", .. ProjectRules.Subsystems];
        Assert.Empty(ProjectRules.ForbiddenGrants(Load("Fovea.Onnx"), mustNotSee));
    }

    // ---- each rule's helper, shown to fail on a real or deliberately bad input ----

    [Fact]
    public void ForbiddenReferences_CliUsesOnnx_IsReported()
    {
        // The CLI's metadata really references Fovea.Onnx: forbidding it must be reported.
        var cli = Load("Fovea.Cli");
        Assert.Contains("Fovea.Onnx", ProjectRules.FoveaReferences(cli));
        Assert.Equal(["Fovea.Onnx"], ProjectRules.ForbiddenReferences(cli, ["Fovea.Bench", "Fovea.Onnx"]));
    }

    [Fact]
    public void FoveaReferences_Onnx_FindsTheCore()
    {
        // The same read that must find nothing in the core finds the core in an assembly that uses it.
        Assert.Equal(["Fovea"], ProjectRules.FoveaReferences(Load("Fovea.Onnx")));
    }

    [Fact]
    public void ForbiddenProjectReferences_ProjectPointingAtBenchAndCli_IsReported()
    {
        const string Project = """
            <Project Sdk="Microsoft.NET.Sdk">
              <ItemGroup>
                <ProjectReference Include="../Fovea/Fovea.csproj" />
                <ProjectReference Include="..\..\bench\Fovea.Bench\Fovea.Bench.csproj" />
                <ProjectReference Include="../Fovea.Cli/Fovea.Cli.csproj" />
              </ItemGroup>
            </Project>
            """;
        var references = ProjectRules.ProjectReferences("src/Fovea.Vision/Fovea.Vision.csproj", Project);
        Assert.Equal(["bench/Fovea.Bench/Fovea.Bench.csproj", "src/Fovea.Cli/Fovea.Cli.csproj"],
            ProjectRules.ForbiddenProjectReferences(references, ProjectRules.NotForLibraries).Order());
    }

    [Fact]
    public void ProjectReferences_Cli_ReadsTheRealProjectFile()
    {
        Assert.Equal(["src/Fovea.Explain/Fovea.Explain.csproj", "src/Fovea.Onnx/Fovea.Onnx.csproj",
                "src/Fovea.Tuning/Fovea.Tuning.csproj", "src/Fovea.Vision/Fovea.Vision.csproj", "src/Fovea/Fovea.csproj"],
            ProjectRules.ProjectReferences(ProjectRules.SourceProject("Fovea.Cli")).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void ForbiddenGrants_CoreGrantsBench_IsReported()
    {
        // The core's real attribute list: forbidding a name on it must be reported.
        Assert.Equal(["Fovea.Bench", "Fovea.Onnx", "Fovea.Tests"], ProjectRules.InternalsGrantedTo(s_core));
        Assert.Equal(["Fovea.Bench"], ProjectRules.ForbiddenGrants(s_core, ["Fovea.Cli", "Fovea.Bench"]));
    }
}
