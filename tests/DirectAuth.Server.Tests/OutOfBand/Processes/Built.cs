namespace DirectAuth.Server.Tests.OutOfBand.Processes;

/// <summary>Where the built server and CLI are (the same configuration as these tests; project references build them first).</summary>
public static class Built
{
    public static string RepositoryRoot { get; } = FindRoot();

    private static string Configuration => AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";

    public static string ServerDll => Path.Combine(RepositoryRoot, "src", "DirectAuth.Server", "bin", Configuration, "net10.0", "DirectAuth.Server.dll");

    public static string CliDll => Path.Combine(RepositoryRoot, "src", "DirectAuth.Cli", "bin", Configuration, "net10.0", "directauth.dll");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "DirectAuth.slnx"))) return dir.FullName;
        throw new InvalidOperationException("DirectAuth.slnx not found above " + AppContext.BaseDirectory);
    }
}
