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
/// Password hashes are ASP.NET Core Identity v3 (PBKDF2-HMAC-SHA512) at Passwords:Iterations, and a hash
/// made at another count is replaced at the user's next successful sign-in. Two servers take turns on one database.
/// </summary>
public sealed class PasswordRehashTests : IAsyncLifetime
{
    private const string Password = "rehash me please 42";
    private TestDatabase _database = null!;

    public async Task InitializeAsync() => _database = await TestDatabase.CreateAsync();

    public async Task DisposeAsync() => await _database.DisposeAsync();

    private static Dictionary<string, string?> Iterations(int? n) =>
        n is null ? [] : new() { ["Passwords:Iterations"] = n.Value.ToString() };

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
    public async Task CreateUser_DefaultSettings_StoresIdentityV3Pbkdf2Sha512With210000Iterations()
    {
        await using var server = new TestServerFactory(_database);
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
