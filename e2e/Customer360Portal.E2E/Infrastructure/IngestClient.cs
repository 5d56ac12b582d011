using System.Net.Http.Headers;
using System.Net.Http.Json;

namespace Customer360Portal.E2E.Infrastructure;

/// <summary>A source pushing records to the portal's real ingest API with a key an admin issued on the Sync page.</summary>
public static class IngestClient
{
    /// <summary>Issues a new ingest API key for the source (by its display name) as the signed-in admin; returns the secret.</summary>
    public static async Task<string> IssueKeyAsync(IPage admin, string sourceName)
    {
        await admin.GotoAsync(PortalArea.Sync.Path);
        await admin.WaitForInteractiveAsync();
        await admin.GetByTestId("sources-table").Locator("tbody tr").Filter(new() { HasText = sourceName }).ClickAsync();
        await admin.GetByTestId("source-detail").GetByRole(AriaRole.Button, new() { Name = "New API key", Exact = true }).ClickAsync();
        var secret = (await admin.Locator("[data-testid=issued-secret] code").InnerTextAsync()).Trim();
        Assert.StartsWith("c360_", secret);
        return secret;
    }

    /// <summary>Posts records (kind + data) to <c>api/ingest/{source}</c>; returns the response body after checking success.</summary>
    public static async Task<string> PostAsync(Uri baseAddress, string secret, string source, params object[] records)
    {
        using var http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        using var response = await http.PostAsJsonAsync($"api/ingest/{source}", new { records });
        var answer = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"Ingest answered {(int)response.StatusCode}: {answer}");
        return answer;
    }
}
