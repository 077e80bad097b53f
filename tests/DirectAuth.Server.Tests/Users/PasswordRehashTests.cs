using System.Buffers.Binary;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using DirectAuth.Server.Observability;
using DirectAuth.Server.Tests.Infrastructure;
using DirectAuth.Server.Users;
using Microsoft.EntityFrameworkCore;

namespace DirectAuth.Server.Tests.Users;

/// <summary>
/// Password hashes are Argon2id (default, PHC string) or ASP.NET Core Identity v3 (PBKDF2-HMAC-SHA512) at
/// Passwords:Iterations, and a hash made with another algorithm or other parameters is replaced at the user's
/// next successful sign-in. Two servers take turns on one database.
/// </summary>
public sealed class PasswordRehashTests : IAsyncLifetime
{
    private const string Password = "rehash me please 42";
    private TestDatabase _database = null!;

    public async Task InitializeAsync() => _database = await TestDatabase.CreateAsync();

    public async Task DisposeAsync() => await _database.DisposeAsync();

    private static Dictionary<string, string?> Iterations(int? n) =>
        n is null ? new() { ["Passwords:Algorithm"] = "pbkdf2" } : new() { ["Passwords:Algorithm"] = "pbkdf2", ["Passwords:Iterations"] = n.Value.ToString() };

    private static Dictionary<string, string?> Settings(string algorithm, int? argon2MemoryKiB = null) => argon2MemoryKiB is null
        ? new() { ["Passwords:Algorithm"] = algorithm }
        : new() { ["Passwords:Algorithm"] = algorithm, ["Passwords:Argon2MemoryKiB"] = argon2MemoryKiB.Value.ToString() };

    /// <summary>The hash's kind and parameters: "argon2id m=… t=…" or "pbkdf2 N".</summary>
    private static string KindOf(string hash) => hash.StartsWith("$argon2id$", StringComparison.Ordinal)
        ? "argon2id " + hash.Split('$')[3]
        : "pbkdf2 " + PasswordHashing.IterationsOf(hash);

    [Theory]
    [InlineData("pbkdf2", null, "argon2id", null, "argon2id m=19456,t=2,p=1")]
    [InlineData("argon2id", null, "pbkdf2", null, "pbkdf2 210000")]
    [InlineData("argon2id", 12_288, "argon2id", null, "argon2id m=19456,t=2,p=1")]
    public async Task PasswordGrant_AlgorithmOrParametersChangedBetweenServers_HashRewrittenAtNextSignIn(
        string firstAlgorithm, int? firstMemory, string secondAlgorithm, int? secondMemory, string expected)
    {
        string clientId;
        string original;
        await using (var before = new TestServerFactory(_database, Settings(firstAlgorithm, firstMemory)))
        {
            clientId = await RegisterClientAsync(before);
            await CreateUserAsync(before, "switch@example.com");
            original = await StoredHashAsync(before, "switch@example.com");
            Assert.NotEqual(expected, KindOf(original));
        }

        await using var after = new TestServerFactory(_database, Settings(secondAlgorithm, secondMemory));
        Assert.Equal(400, await SignInAsync(after, clientId, "switch@example.com", "not the password"));
        Assert.Equal(original, await StoredHashAsync(after, "switch@example.com"));

        Assert.Equal(200, await SignInAsync(after, clientId, "switch@example.com", Password));
        var rehashed = await StoredHashAsync(after, "switch@example.com");
        Assert.Equal(expected, KindOf(rehashed));
        Assert.Equal(200, await SignInAsync(after, clientId, "switch@example.com", Password));
        Assert.Equal(rehashed, await StoredHashAsync(after, "switch@example.com"));
        Assert.Single(await after.AuditEventsAsync(EventTypes.PasswordRehashed));
    }

    [Fact]
    public async Task CreateUser_DefaultSettings_StoresArgon2idAtOwaspParametersThatAnIndependentImplementationReproduces()
    {
        await using var server = new TestServerFactory(_database);
        await CreateUserAsync(server, "argon@example.com");

        var parts = (await StoredHashAsync(server, "argon@example.com")).Split('$');

        Assert.Equal(["", "argon2id", "v=19", "m=19456,t=2,p=1"], parts[..4]);
        var salt = Convert.FromBase64String(Padded(parts[4]));
        var hash = Convert.FromBase64String(Padded(parts[5]));
        Assert.Equal(16, salt.Length);
        Assert.Equal(32, hash.Length);
        using var independent = new Konscious.Security.Cryptography.Argon2id(Encoding.UTF8.GetBytes(Password))
        {
            Salt = salt, MemorySize = 19_456, Iterations = 2, DegreeOfParallelism = 1,
        };
        Assert.Equal(hash, independent.GetBytes(32));
    }

    private static string Padded(string base64) => base64.PadRight(base64.Length + (4 - base64.Length % 4) % 4, '=');

    [Theory]
    [InlineData(100_000, null, 210_000)]
    [InlineData(null, 100_000, 100_000)]
    public async Task PasswordGrant_IterationsChangedBetweenServers_HashRewrittenAtNextSignIn(int? first, int? second, int expected)
    {
        string clientId;
        await using (var before = new TestServerFactory(_database, Iterations(first)))
        {
            clientId = await RegisterClientAsync(before);
            await CreateUserAsync(before, "rehash@example.com");
            Assert.Equal(first ?? 210_000, PasswordHashing.IterationsOf(await StoredHashAsync(before, "rehash@example.com")));
        }

        await using var after = new TestServerFactory(_database, Iterations(second));
        Assert.Equal(400, await SignInAsync(after, clientId, "rehash@example.com", "not the password"));
        Assert.Equal(first ?? 210_000, PasswordHashing.IterationsOf(await StoredHashAsync(after, "rehash@example.com")));

        Assert.Equal(200, await SignInAsync(after, clientId, "rehash@example.com", Password));
        var rehashed = await StoredHashAsync(after, "rehash@example.com");
        Assert.Equal(expected, PasswordHashing.IterationsOf(rehashed));
        Assert.Equal(200, await SignInAsync(after, clientId, "rehash@example.com", Password));
        Assert.Equal(rehashed, await StoredHashAsync(after, "rehash@example.com"));
        Assert.Single(await after.AuditEventsAsync(EventTypes.PasswordRehashed));
    }

    [Fact]
    public async Task CreateUser_Pbkdf2_StoresIdentityV3Pbkdf2Sha512With210000Iterations()
    {
        await using var server = new TestServerFactory(_database, Iterations(null));
        await CreateUserAsync(server, "format@example.com");

        var bytes = Convert.FromBase64String(await StoredHashAsync(server, "format@example.com"));

        Assert.Equal(0x01, bytes[0]); // Identity format marker v3
        Assert.Equal(2u, BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(1))); // KeyDerivationPrf.HMACSHA512
        Assert.Equal(210_000u, BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(5)));
        var saltLength = (int)BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(9));
        Assert.Equal(16, saltLength);
        var salt = bytes.AsSpan(13, saltLength);
        var subkey = bytes.AsSpan(13 + saltLength);
        Assert.Equal(32, subkey.Length);
        var independent = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(Password), salt, 210_000, HashAlgorithmName.SHA512, 32);
        Assert.True(subkey.SequenceEqual(independent));
    }

    private static HttpClient Admin(TestServerFactory factory)
    {
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("SSWS", TestServerFactory.AdminToken);
        return client;
    }

    private static async Task CreateUserAsync(TestServerFactory factory, string login)
    {
        using var admin = Admin(factory);
        var response = await admin.PostAsJsonAsync("/api/v1/users?activate=true",
            new { profile = new { login, email = login }, credentials = new { password = new { value = Password } } });
        Assert.Equal(200, (int)response.StatusCode);
    }

    private static async Task<string> RegisterClientAsync(TestServerFactory factory)
    {
        using var admin = Admin(factory);
        var response = await admin.PostAsJsonAsync("/oauth2/v1/clients", new { client_name = "rehash", grant_types = new[] { "password" } });
        Assert.Equal(201, (int)response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!["client_id"]!.GetValue<string>();
    }

    private static async Task<int> SignInAsync(TestServerFactory factory, string clientId, string login, string password)
    {
        using var http = factory.CreateClient();
        var response = await http.PostAsync(OAuthTestKit.Token, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "password", ["client_id"] = clientId, ["username"] = login, ["password"] = password, ["scope"] = "openid",
        }));
        return (int)response.StatusCode;
    }

    private static Task<string> StoredHashAsync(TestServerFactory factory, string login) =>
        factory.QueryDbAsync(db => db.Set<User>().Where(u => u.NormalizedLogin == User.Normalize(login)).Select(u => u.PasswordHash!).SingleAsync());
}
