Console.Error.WriteLine("usage: Archive.Bench <suite>");
return 2;
