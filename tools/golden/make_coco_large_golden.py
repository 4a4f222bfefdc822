"""A larger COCO box-evaluation case with pycocotools' answers: tests/data/coco-eval-large/{gt,dt,expected}.json.

150 images, 40 categories (so each summary mean runs over 10 x 101 x 40 = 40,400 values, past numpy's 8,192-value
reduction blocks), up to 15 objects per image (5% crowd, `area` 50-100% of w x h), jittered and duplicated detections,
wrong-class and random false positives, scores on a 0.001 grid (many ties). Seeded; reruns write identical files.

Needs pycocotools (cocodataset/cocoapi, PythonAPI). If it is not installed, pass the folder holding a source copy of
its `pycocotools/coco.py` and `cocoeval.py`: then `maskUtils.iou` for boxes is supplied by `bbox_iou` below, a
transcription of maskApi.c's `bbIou` (crowd: intersection over the detection's area), and matplotlib (imported by
coco.py for drawing only) is stubbed. NumPy 1.24 removed `np.float`, which cocoeval.py uses: it is set to `float`.
    /usr/bin/python3 tools/golden/make_coco_large_golden.py [PYTHONAPI_FOLDER]
"""
import contextlib
import io
import json
import os
import random
import sys
import types

import numpy as np

np.float = float
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'tests', 'data', 'coco-eval-large')


def bbox_iou(dt, gt, iscrowd):
    dt = np.asarray(dt, dtype=np.float64).reshape(-1, 4)
    gt = np.asarray(gt, dtype=np.float64).reshape(-1, 4)
    if len(dt) == 0 or len(gt) == 0:
        return []
    o = np.zeros((len(dt), len(gt)))
    for g, G in enumerate(gt):
        for d, D in enumerate(dt):
            w = min(D[2] + D[0], G[2] + G[0]) - max(D[0], G[0])
            h = min(D[3] + D[1], G[3] + G[1]) - max(D[1], G[1])
            if w <= 0 or h <= 0:
                continue
            i = w * h
            o[d, g] = i / (D[2] * D[3] if iscrowd[g] else D[2] * D[3] + G[2] * G[3] - i)
    return o


def load_pycocotools(folder):
    if folder is None:
        from pycocotools.coco import COCO
        from pycocotools.cocoeval import COCOeval
        return COCO, COCOeval
    for name in ['matplotlib', 'matplotlib.pyplot', 'matplotlib.collections', 'matplotlib.patches']:
        sys.modules[name] = types.ModuleType(name)
    sys.modules['matplotlib.collections'].PatchCollection = None
    sys.modules['matplotlib.patches'].Polygon = None
    mask = types.ModuleType('pycocotools.mask')
    mask.iou = bbox_iou
    sys.modules['pycocotools.mask'] = mask
    sys.path.insert(0, folder)
    import pycocotools
    pycocotools.mask = mask
    from pycocotools.coco import COCO
    from pycocotools.cocoeval import COCOeval
    return COCO, COCOeval


def make(r):
    images = [{'id': i, 'width': 640, 'height': 480} for i in range(1, 151)]
    categories = [{'id': c, 'name': 'c%d' % c} for c in range(1, 41)]
    anns, dts = [], []
    for im in images:
        for _ in range(r.randint(0, 15)):
            x, y, w, h = r.uniform(0, 500), r.uniform(0, 400), r.uniform(2, 140), r.uniform(2, 80)
            c = r.randint(1, 40)
            anns.append({'id': len(anns) + 1, 'image_id': im['id'], 'category_id': c,
                         'bbox': [round(v, 2) for v in (x, y, w, h)], 'area': round(w * h * r.uniform(0.5, 1), 2),
                         'iscrowd': int(r.random() < 0.05)})
            for _ in range(r.randint(0, 3)):
                dts.append({'image_id': im['id'], 'category_id': c if r.random() < 0.8 else r.randint(1, 40),
                            'bbox': [round(v, 2) for v in (x + r.gauss(0, 4), y + r.gauss(0, 4),
                                                           w * r.uniform(0.8, 1.2), h * r.uniform(0.8, 1.2))],
                            'score': round(r.random(), 3)})
        for _ in range(r.randint(0, 20)):
            dts.append({'image_id': im['id'], 'category_id': r.randint(1, 40),
                        'bbox': [round(r.uniform(0, 500), 2), round(r.uniform(0, 400), 2), round(r.uniform(2, 100), 2),
                                 round(r.uniform(2, 100), 2)], 'score': round(r.random(), 3)})
    return {'images': images, 'categories': categories, 'annotations': anns}, dts


def main():
    COCO, COCOeval = load_pycocotools(sys.argv[1] if len(sys.argv) > 1 else None)
    gt, dt = make(random.Random(2026))
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, 'gt.json'), 'w') as f:
        json.dump(gt, f)
    with open(os.path.join(OUT, 'dt.json'), 'w') as f:
        json.dump(dt, f)
    with contextlib.redirect_stdout(io.StringIO()):
        coco_gt = COCO(os.path.join(OUT, 'gt.json'))
        coco_dt = coco_gt.loadRes(os.path.join(OUT, 'dt.json'))
        e = COCOeval(coco_gt, coco_dt, 'bbox')
        e.evaluate()
        e.accumulate()
        e.summarize()
    with open(os.path.join(OUT, 'expected.json'), 'w') as f:
        json.dump({'stats': [float(v) for v in e.stats]}, f, indent=1)


if __name__ == '__main__':
    main()
