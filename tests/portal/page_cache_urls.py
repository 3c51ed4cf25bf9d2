"""Views for the page cache's tests: opted in or not, with a CSRF token, a cookie or a message."""

from django.contrib import messages
from django.http import HttpResponse
from django.template import engines
from django.urls import path

from portal.page_cache import page_cacheable

_FORM = engines["django"].from_string('<form method="post">{% csrf_token %}</form>')


@page_cacheable
def plain(request):
    return HttpResponse("plain")


def not_opted_in(request):
    return HttpResponse("not opted in")


@page_cacheable
def with_form(request):
    return HttpResponse(_FORM.render({}, request))


@page_cacheable
def with_cookie(request):
    response = HttpResponse("cookie")
    response.set_cookie("seen", "1")
    return response


@page_cacheable
def with_message(request):
    messages.info(request, "hello")
    return HttpResponse("message")


urlpatterns = [
    path("en/plain/", plain),
    path("en/not-opted-in/", not_opted_in),
    path("en/form/", with_form),
    path("en/cookie/", with_cookie),
    path("en/message/", with_message),
    path("plain/", plain),
]
