using System.Net.Http.Json;
using System.Text.Json;
using Archive.Api.Tests.Support;
using Archive.Testing;
using Npgsql;

namespace Archive.Api.Tests.Digitization;

/// <summary>
/// An API host whose digitization workers are on (2 jobs at once, short leases and retry delays so failures resolve in
/// seconds), content limits large enough for real scans. Scans are small (a third of an A4 page) to keep OCR short.
/// </summary>
public class DigitizationFixture : ApiFixture
{
    /// <summary>Text of the seeds (../shared/seeds/000, digitization plan of Lai Châu), printed on the test scans.</summary>
    public static readonly string[] SeedParagraphs =
    [
        "Phần mềm số hóa là phần mềm dùng để lưu trữ các dữ liệu số hóa như: file ảnh, thông tin các trường nhập liệu.",
        "Dữ liệu được số hóa đảm bảo chính xác với dữ liệu bản cứng.",
        "Chất lượng ảnh rõ nét, đọc được dễ dàng, trung thực với bản gốc.",
    ];

    protected virtual bool WorkersEnabled => true;

    protected override void Configure(Microsoft.AspNetCore.Hosting.IWebHostBuilder b)
    {
        b.UseSetting("Archive:Content:MaxBytes", (16 * 1024 * 1024).ToString())
         .UseSetting("Archive:Content:MaxFactsBytes", (16 * 1024 * 1024).ToString())
         .UseSetting("Archive:Digitization:WorkersEnabled", WorkersEnabled ? "true" : "false")
         .UseSetting("Archive:Digitization:Workers", "2")
         .UseSetting("Archive:Digitization:LeaseSeconds", "6")
         .UseSetting("Archive:Digitization:MaxAttempts", "2")
         .UseSetting("Archive:Digitization:RetryDelaySeconds", "0.5")
         .UseSetting("Archive:Digitization:PollSeconds", "0.2")
         .UseSetting("Archive:Digitization:StaleNodeSeconds", "4");
    }

    public static byte[] Scan(params string[] paragraphs) => ScanMaker.Jpeg(paragraphs.Length == 0 ? SeedParagraphs : paragraphs, pageHeightInches: 2.4);

    /// <summary>A digitized (02) document holding <paramref name="scan"/>; returns its id and the upload's job id.</summary>
    public static async Task<(string Id, string JobId)> UploadScanAsync(HttpClient client, string dossier, byte[] scan, string? batch = null,
        string mediaType = "image/jpeg")
    {
        var id = (await Records.CreateDocumentAsync(client, dossier, confidence: "02")).GetProperty("id").GetString()!;
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/documents/{id}/content?fileName=scan.jpg") { Content = Bytes(scan, mediaType) };
        if (batch is not null) request.Headers.Add("X-Digitization-Batch", batch);
        var r = await client.SendAsync(request);
        r.StatusCode.ShouldBe(System.Net.HttpStatusCode.Created, await r.Content.ReadAsStringAsync());
        var body = await r.Content.ReadFromJsonAsync<JsonElement>();
        return (id, body.GetProperty("digitizationJobId").GetString()!);
    }

    /// <summary>Waits (bounded) until the queue row of <paramref name="jobId"/> reaches a final status, and returns it.</summary>
    public static async Task<string> WaitForJobAsync(NpgsqlDataSource db, string jobId, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (true)
        {
            await using var cmd = db.CreateCommand("select status from archive_api.digitization_queue where job_id = $1");
            cmd.Parameters.AddWithValue(jobId);
            var status = (string?)await cmd.ExecuteScalarAsync();
            if (status is "done" or "dead") return status;
            if (DateTime.UtcNow > until) throw new TimeoutException($"job {jobId} still {status} after {timeout}");
            await Task.Delay(200);
        }
    }
}
