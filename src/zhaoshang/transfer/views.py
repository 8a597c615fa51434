from django.http import HttpResponse


def import_page(request):  # replaced by the importer's page
    return HttpResponse(status=501)


def export_ledger(request):  # replaced by the exporter
    return HttpResponse(status=501)
