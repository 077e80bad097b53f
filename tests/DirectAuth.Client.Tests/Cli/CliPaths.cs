namespace DirectAuth.Client.Tests.Cli;

/// <summary>Where the built <c>directauth</c> command is: next to this test build, same configuration.</summary>
public static class CliPaths
{
    public static string RepositoryRoot { get; } = FindRoot();

    public static string Configuration { get; } = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;

    public static string Dll { get; } = Path.Combine(RepositoryRoot, "src", "DirectAuth.Cli", "bin", Configuration, "net10.0", "directauth.dll");

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "DirectAuth.slnx"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("DirectAuth.slnx not found above " + AppContext.BaseDirectory);
    }
}
