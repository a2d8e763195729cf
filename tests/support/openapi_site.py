"""A small CRUD API over the test models, served beside the site for the OpenAPI tests.

It declares what `/openapi.json` reads: Validators named by `@operation`, an `@inject` signature,
Resources (one with a nested relation), a paginated listing, a `login_required` write, writes
for a bearer token with a scope (to a unique column: a 409) and an `@internal` route.
`tests/snapshots/openapi.json` is its description; serve it with `uvicorn tests.support.openapi_site:app`
from `rootsystem/application`, the project root on PYTHONPATH.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Mount, Route

import settings
from core.auth.decorators import login_required
from core.auth.tokens import token_required
from core.database import tortoise_config
from core.http.bodies import request_body
from core.http.inject import inject
from core.kernel import create_app
from core.openapi import internal, operation
from core.pagination import page_response, paginate
from core.resources import Resource, computed
from core.validation import Validator
from routes import routes as site_routes
from tests.support.api_models import Article, Label, Writer

WRITER_RULES = Validator({"name": "required|string|max:50"})
LABEL_RULES = Validator({"name": "required|string|max:30"})  # unique in the table: a taken name is a 409
MAX_SEARCH = 50


class WriterResource(Resource):
    model = Writer
    fields = ("id", "name")


class ArticleResource(Resource):
    model = Article
    fields = ("id", "title", "score", "published_at")
    renamed = {"title": "headline"}
    relations = {"writer": WriterResource}

    @computed
    def popular(article: Article) -> bool:
        return article.score >= 10


class WriterController:
    @operation(response=WriterResource, paginated=True, summary="List writers", tags=["writers"])
    async def index(self, request: Request) -> Response:
        page = await paginate(Writer.all().order_by("id"), request, per_page=10, max_per_page=50)
        return page_response(page, await WriterResource.many(page.items))

    @operation(body=WRITER_RULES, response=WriterResource, status=201, summary="Add a writer", tags=["writers"])
    async def store(self, request: Request) -> Response:
        clean = await WRITER_RULES.validate(await request_body(request))
        writer = await Writer.create(name=clean["name"])
        return JSONResponse(await WriterResource.one(writer), status_code=201)

    @operation(response=WriterResource, many=True, summary="Writers whose name starts with `name`", tags=["writers"])
    @inject
    async def search(self, request: Request, name: str, limit: int = 10) -> Response:
        rows = Writer.filter(name__startswith=name).order_by("id").limit(max(1, min(limit, MAX_SEARCH)))
        return JSONResponse(await WriterResource.many(rows))

    @operation(response=WriterResource, summary="One writer", tags=["writers"])
    @inject
    async def show(self, request: Request, id: int) -> Response:
        return JSONResponse(await WriterResource.one(await Writer.get(id=id)))

    @operation(body=WRITER_RULES, response=WriterResource, summary="Rename a writer", tags=["writers"])
    async def update(self, request: Request) -> Response:
        writer = await Writer.get(id=request.path_params["id"])
        clean = await WRITER_RULES.validate(await request_body(request))
        writer.name = clean["name"]
        await writer.save(update_fields=["name"])
        return JSONResponse(await WriterResource.one(writer))

    @operation(status=204, summary="Remove a writer and their articles", tags=["writers"])
    @login_required
    async def destroy(self, request: Request) -> Response:
        writer = await Writer.get(id=request.path_params["id"])
        await writer.delete()
        return Response(status_code=204)

    @internal
    async def count(self, request: Request) -> Response:
        return JSONResponse({"writers": await Writer.all().count()})


class ArticleController:
    @operation(response=ArticleResource, paginated=True, summary="Articles, newest first, with their writer",
               tags=["articles"])
    async def index(self, request: Request) -> Response:
        page = await paginate(Article.all().order_by("-published_at", "-id"), request)
        return page_response(page, await ArticleResource.many(page.items))


class LabelResource(Resource):
    model = Label
    fields = ("id", "name")


class LabelController:
    @operation(response=LabelResource, many=True, summary="Every label", tags=["labels"])
    @token_required()
    async def index(self, request: Request) -> Response:
        return JSONResponse(await LabelResource.many(Label.all().order_by("id")))

    @operation(body=LABEL_RULES, response=LabelResource, status=201, summary="Add a label", tags=["labels"])
    @token_required(scopes=["labels.create"])
    async def store(self, request: Request) -> Response:
        clean = await LABEL_RULES.validate(await request_body(request))
        return JSONResponse(await LabelResource.one(await Label.create(name=clean["name"])), status_code=201)


writers = WriterController()
labels = LabelController()
articles = ArticleController()

api_routes: list[BaseRoute] = [
    Mount("/api", routes=[
        Route("/writers", writers.index, methods=["GET"], name="writers.index"),
        Route("/writers", writers.store, methods=["POST"], name="writers.store"),
        Route("/writers/search", writers.search, methods=["GET"], name="writers.search"),
        Route("/writers/count", writers.count, methods=["GET"], name="writers.count"),
        Route("/writers/{id:int}", writers.show, methods=["GET"], name="writers.show"),
        Route("/writers/{id:int}", writers.update, methods=["PUT"], name="writers.update"),
        Route("/writers/{id:int}", writers.destroy, methods=["DELETE"], name="writers.destroy"),
        Route("/articles", articles.index, methods=["GET"], name="articles.index"),
        Route("/labels", labels.index, methods=["GET"], name="labels.index"),
        Route("/labels", labels.store, methods=["POST"], name="labels.store"),
    ]),
]
routes = [*site_routes, *api_routes]


def site_config() -> dict[str, object]:
    """The site's Tortoise configuration plus the API's models, under the label the tests use."""
    from dataclasses import replace

    return tortoise_config(replace(settings.DATABASE, extra_apps={"testapp": ("tests.support.api_models",)}))


app = create_app(tortoise_config=site_config(), routes=routes)
