using System.Net;
using System.Net.Sockets;
using Signing.Development;

namespace Signing.Tests.Support;

/// <summary>Serves OCSP, CRLs and an RFC 3161 TSA for a development PKI on 127.0.0.1.</summary>
public sealed class LocalPkiServer : IDisposable
{
    private readonly HttpListener _listener = new();
    // CRL paths are handed out while a PKI is being built and bound to it when it is served.
    private readonly Dictionary<string, (string Subject, DevelopmentResponders? Responders)> _crlPaths = new();
    private DevelopmentResponders? _responders;

    public LocalPkiServer()
    {
        var port = FreePort();
        BaseUrl = new Uri($"http://127.0.0.1:{port}/");
        _listener.Prefixes.Add(BaseUrl.ToString());
        _listener.Start();
        _ = Task.Run(LoopAsync);
    }

    public Uri BaseUrl { get; }
    public Uri OcspUrl => new(BaseUrl, "ocsp");
    public Uri TsaUrl => new(BaseUrl, "tsa");
    public bool TsaDown { get; set; }

    public Uri CrlUrlFor(string caSubject)
    {
        lock (_crlPaths)
        {
            var path = "crl/" + (_crlPaths.Count + 1) + ".crl";
            _crlPaths[path] = (caSubject, null);
            return new Uri(BaseUrl, path);
        }
    }

    /// <summary>The first PKI served answers OCSP and TSA requests; every served PKI answers for its own CRL paths.</summary>
    public void Serve(DevelopmentPki pki)
    {
        var responders = new DevelopmentResponders(pki);
        _responders ??= responders;
        lock (_crlPaths)
            foreach (var key in _crlPaths.Where(p => p.Value.Responders is null).Select(p => p.Key).ToList())
                _crlPaths[key] = (_crlPaths[key].Subject, responders);
    }

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext ctx;
            try { ctx = await _listener.GetContextAsync(); }
            catch (Exception) { return; }
            _ = Task.Run(() => Handle(ctx));
        }
    }

    private void Handle(HttpListenerContext ctx)
    {
        try
        {
            using var body = new MemoryStream();
            ctx.Request.InputStream.CopyTo(body);
            var path = (ctx.Request.RawUrl ?? "").TrimStart('/');
            byte[]? reply = null;
            string type = "application/octet-stream";
            if (path == "ocsp") { reply = _responders!.Ocsp(body.ToArray()); type = "application/ocsp-response"; }
            else if (path.StartsWith("ocsp/", StringComparison.Ordinal))
            {
                // RFC 6960 A.1 GET form, which NSS (pdfsig) uses for small requests.
                var encoded = Uri.UnescapeDataString(path["ocsp/".Length..]);
                reply = _responders!.Ocsp(Convert.FromBase64String(encoded));
                type = "application/ocsp-response";
            }
            else if (path == "tsa" && !TsaDown) { reply = _responders!.Timestamp(body.ToArray()); type = "application/timestamp-reply"; }
            else if (_crlPaths.TryGetValue(path, out var crl) && crl.Responders is not null) { reply = crl.Responders.Crl(crl.Subject); type = "application/pkix-crl"; }
            if (reply is null)
            {
                ctx.Response.StatusCode = 503;
                Console.Error.WriteLine($"test PKI server: no answer for {ctx.Request.HttpMethod} {path}");
            }
            else
            {
                ctx.Response.ContentType = type;
                ctx.Response.OutputStream.Write(reply);
            }
        }
        catch (Exception)
        {
            ctx.Response.StatusCode = 500;
        }
        finally
        {
            ctx.Response.Close();
        }
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
    }
}
